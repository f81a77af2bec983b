/* The topic view: the map of the topics, the words of the topic chosen re-ranked by λ, its share
   by region and its examples, all drawn from the JSON of #topic-data (scripts/topic_view.py).
   Text from the data enters the page as textContent only, never as markup. */
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const data = JSON.parse(document.getElementById("topic-data").textContent);
  const terms = data.terms; // [term id, term, log p(w) or null, shared 0/1]
  const state = { topic: 0, lambda: data.lambda, sharedLast: true };

  // LDAvis relevance, as scripts/topic_view.py `relevance` (the same operations, in order).
  function relevance(logPhi, logShare, lam) {
    if (logShare === null) return -Infinity;
    return lam * logPhi + (1 - lam) * (logPhi - logShare);
  }

  // The topic's pool ranked: shared words last (if asked), relevance descending, term id.
  function rank(topic, lam, sharedLast) {
    const scored = data.topics[topic].pool.map(function (entry) {
      const term = terms[entry[0]];
      return {
        id: term[0], term: term[1], logPhi: entry[1], logShare: term[2],
        shared: term[3] === 1, score: relevance(entry[1], term[2], lam),
      };
    });
    scored.sort(function (a, b) {
      const sa = sharedLast && a.shared ? 1 : 0, sb = sharedLast && b.shared ? 1 : 0;
      if (sa !== sb) return sa - sb;
      if (a.score !== b.score) return a.score > b.score ? -1 : 1;
      return a.id - b.id;
    });
    return scored;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svg(tag, attributes) {
    const node = document.createElementNS(SVG, tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    return node;
  }

  function percent(value, digits) {
    return (100 * value).toFixed(digits === undefined ? 1 : digits) + "%";
  }

  function topicName(t) {
    return "主题 Topic " + data.topics[t].topic + "：" + data.topics[t].label;
  }

  // --- the map ---------------------------------------------------------------------------------
  const map = document.getElementById("map");
  const size = 400, pad = 14;
  const maxRadius = Math.max(14, Math.min(55, size / (3.2 * Math.sqrt(data.topics.length))));
  const maxShare = Math.max.apply(null, data.topics.map(function (t) { return t.size; })) || 1;
  function radius(t) { return Math.max(6, maxRadius * Math.sqrt(data.topics[t].size / maxShare)); }
  function drawMap() {
    const xs = data.topics.map(function (t) { return t.x; });
    const ys = data.topics.map(function (t) { return t.y; });
    const span = Math.max(Math.max.apply(null, xs) - Math.min.apply(null, xs),
      Math.max.apply(null, ys) - Math.min.apply(null, ys)) || 1;
    const inner = size - 2 * (pad + maxRadius);
    const cx = (Math.max.apply(null, xs) + Math.min.apply(null, xs)) / 2;
    const cy = (Math.max.apply(null, ys) + Math.min.apply(null, ys)) / 2;
    const place = function (x, y) {
      return [size / 2 + (x - cx) / span * inner, size / 2 - (y - cy) / span * inner];
    };
    const origin = place(0, 0);
    map.appendChild(svg("line", { x1: 0, y1: origin[1], x2: size, y2: origin[1], class: "axis" }));
    map.appendChild(svg("line", { x1: origin[0], y1: 0, x2: origin[0], y2: size, class: "axis" }));
    const pc1 = svg("text", { x: size - 4, y: origin[1] - 4, class: "axis-label", "text-anchor": "end" });
    pc1.textContent = "PC1";
    const pc2 = svg("text", { x: origin[0] + 4, y: 12, class: "axis-label" });
    pc2.textContent = "PC2";
    map.appendChild(pc1);
    map.appendChild(pc2);
    // Larger circles first, so that a small one is never hidden under a large one.
    const order = data.topics.map(function (_, t) { return t; })
      .sort(function (a, b) { return data.topics[b].size - data.topics[a].size || a - b; });
    order.forEach(function (t) {
      const xy = place(data.topics[t].x, data.topics[t].y);
      const group = svg("g", {
        class: "topic", tabindex: 0, role: "button", "data-topic": t,
        "aria-label": topicName(t) + "，" + percent(data.topics[t].size),
      });
      const title = svg("title", {});
      title.textContent = topicName(t) + " · " + percent(data.topics[t].size);
      group.appendChild(title);
      group.appendChild(svg("circle", { cx: xy[0].toFixed(2), cy: xy[1].toFixed(2), r: radius(t).toFixed(2) }));
      const label = svg("text", { x: xy[0].toFixed(2), y: (xy[1] + 5).toFixed(2), "text-anchor": "middle" });
      label.textContent = String(data.topics[t].topic);
      group.appendChild(label);
      group.addEventListener("click", function () { choose(t); });
      group.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); choose(t); }
      });
      map.appendChild(group);
    });
  }

  const buttons = document.getElementById("topic-buttons");
  data.topics.forEach(function (topic, t) {
    const button = el("button", "topic-button");
    button.type = "button";
    button.setAttribute("data-topic", t);
    button.appendChild(el("span", "number", String(topic.topic)));
    button.appendChild(document.createTextNode(" " + topic.label + " "));
    button.appendChild(el("span", "muted", percent(topic.size)));
    button.addEventListener("click", function () { choose(t); });
    buttons.appendChild(button);
  });

  // --- the words -------------------------------------------------------------------------------
  const termList = document.getElementById("terms");
  function drawTerms() {
    const topic = data.topics[state.topic];
    const ranked = rank(state.topic, state.lambda, state.sharedLast).slice(0, data.top_terms);
    const rows = ranked.map(function (r) {
      const inCorpus = r.logShare === null ? 0 : Math.exp(r.logShare);
      return { r: r, inTopic: Math.exp(r.logPhi) * topic.size, inCorpus: inCorpus };
    });
    const scale = Math.max.apply(null, rows.map(function (row) {
      return Math.max(row.inTopic, row.inCorpus);
    })) || 1;
    termList.textContent = "";
    rows.forEach(function (row) {
      const item = el("li", row.r.shared ? "term shared" : "term");
      item.setAttribute("data-term", row.r.term);
      const word = el("span", "word", row.r.term);
      if (row.r.shared) word.appendChild(el("span", "shared-mark", "*"));
      item.appendChild(word);
      const bars = el("span", "bars");
      const corpus = el("span", "bar corpus");
      corpus.style.width = (100 * row.inCorpus / scale).toFixed(2) + "%";
      const inTopic = el("span", "bar topic");
      inTopic.style.width = (100 * Math.min(row.inTopic, scale) / scale).toFixed(2) + "%";
      bars.appendChild(corpus);
      bars.appendChild(inTopic);
      bars.title = "p(w|t) = " + Math.exp(row.r.logPhi).toFixed(4) + " · p(w) = " +
        row.inCorpus.toFixed(5) + " · relevance = " +
        (row.r.score === -Infinity ? "−∞" : row.r.score.toFixed(3));
      item.appendChild(bars);
      termList.appendChild(item);
    });
  }

  // --- the shares by region, the examples ------------------------------------------------------
  const shares = document.getElementById("shares");
  function drawShares() {
    const topic = data.topics[state.topic];
    const top = Math.max.apply(null, topic.shares.map(function (s) { return s[2]; })) || 1;
    shares.textContent = "";
    topic.shares.forEach(function (s, r) {
      const row = el("div", "share-row");
      row.appendChild(el("span", "region", data.reports[r]));
      const track = el("span", "track");
      const bar = el("span", "bar topic");
      bar.style.width = (100 * s[0] / top).toFixed(2) + "%";
      const interval = el("span", "interval");
      interval.style.left = (100 * s[1] / top).toFixed(2) + "%";
      interval.style.width = (100 * (s[2] - s[1]) / top).toFixed(2) + "%";
      track.appendChild(bar);
      track.appendChild(interval);
      track.title = "95%: " + percent(s[1]) + " – " + percent(s[2]);
      row.appendChild(track);
      row.appendChild(el("span", "value", percent(s[0])));
      shares.appendChild(row);
    });
  }

  const examples = document.getElementById("examples");
  function drawExamples() {
    const topic = data.topics[state.topic];
    examples.textContent = "";
    if (!topic.examples.length) {
      examples.appendChild(el("li", "muted", "没有例段 No examples"));
      return;
    }
    topic.examples.forEach(function (e) {
      const item = el("li", "example");
      const head = el("p", "example-head");
      head.appendChild(el("strong", "", e.label));
      head.appendChild(document.createTextNode(" · " + e.section + " · "));
      head.appendChild(el("span", "muted", "本主题 " + percent(e.share, 0)));
      item.appendChild(head);
      item.appendChild(el("p", "example-text", e.text));
      examples.appendChild(item);
    });
  }

  // --- choosing --------------------------------------------------------------------------------
  function choose(t) {
    state.topic = t;
    document.getElementById("selected-topic").textContent = topicName(t) +
      " · 占语料 " + percent(data.topics[t].size) + " of the corpus";
    document.querySelectorAll("[data-topic]").forEach(function (node) {
      const on = Number(node.getAttribute("data-topic")) === t;
      node.classList.toggle("selected", on);
      node.setAttribute("aria-pressed", on ? "true" : "false");
    });
    // The chosen circle on top of the others, so that it is seen whole.
    const circle = map.querySelector("g.topic.selected");
    if (circle) map.appendChild(circle);
    drawTerms();
    drawShares();
    drawExamples();
  }

  const slider = document.getElementById("lambda");
  const shown = document.getElementById("lambda-value");
  slider.addEventListener("input", function () {
    state.lambda = parseFloat(slider.value);
    shown.textContent = state.lambda.toFixed(2);
    drawTerms();
  });
  document.getElementById("shared-last").addEventListener("change", function (event) {
    state.sharedLast = event.target.checked;
    drawTerms();
  });

  drawMap();
  choose(0);
  // For the tests (and the curious): the ranking the list shows, for any λ.
  window.topicView = {
    rank: function (topic, lam, sharedLast) {
      return rank(topic, lam, sharedLast !== false).map(function (r) { return r.term; });
    },
    choose: choose,
  };
})();
