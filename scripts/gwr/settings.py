"""Settings of a step from its rule's params: every field of a settings dataclass, read from the
params (the config schema gives each key its default: no defaults in the code), lists as tuples
(the dataclasses are frozen and hashable)."""

import dataclasses


def fields_from_params(cls, params) -> dict:
    """{field: value} of the dataclass `cls` from `params` (a KeyError names a missing key)."""
    values = {field.name: params[field.name] for field in dataclasses.fields(cls)}
    return {key: tuple(v) if isinstance(v, list) else v for key, v in values.items()}
