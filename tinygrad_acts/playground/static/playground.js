// The playground's page: it asks the Python server to learn and draws what comes back. No framework, no build.
"use strict";

const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const REGULARIZATION_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const DATASET_NAMES = {circle: "Circle", xor: "Exclusive or", gaussian: "Gaussian", spiral: "Spiral",
                       plane: "Plane", multi_gaussian: "Multi gaussian"};
const FEATURE_LABELS = {"x1^2": "x1²", "x2^2": "x2²", "x1*x2": "x1·x2"};
const NUMBER_FIELDS = ["noise", "ratio", "batch_size", "learning_rate", "regularization_rate", "seed", "data_seed"];
const LIST_FIELDS = ["features", "hidden"];
const DISPLAY_FIELDS = ["show_test_data", "discretize", "view"];  // the page's own: in the link, not sent
const ORANGE = [245, 147, 34], MIDDLE = [232, 234, 235], BLUE = [8, 119, 189];

const page = {config: null, display: {show_test_data: false, discretize: false, view: "output"}, state: null,
              run: 0, playing: false, history: [], shown: null, flavor: "tinygrad_acts", scripts: {}};
const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------------------------------------------
// Colours and heat maps
// ---------------------------------------------------------------------------------------------------------------
function mix(a, b, t) { return a.map((v, i) => Math.round(v + (b[i] - v) * t)); }

function colorOf(value) {  // value in [-1, 1]: orange, grey-white, blue
  const v = Math.max(-1, Math.min(1, value));
  return v < 0 ? mix(MIDDLE, ORANGE, -v) : mix(MIDDLE, BLUE, v);
}

const PALETTE = Array.from({length: 256}, (_, q) => colorOf(q / 127.5 - 1));  // one colour per byte value

function decodeGrid(text) {
  const bytes = atob(text);
  const grid = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) grid[i] = bytes.charCodeAt(i);
  return grid;
}

function paintGrid(canvas, text, discretize) {  // the grid's own size; CSS scales it smoothly
  const size = page.state.grid.size, grid = decodeGrid(text);
  canvas.width = size; canvas.height = size;
  const context = canvas.getContext("2d"), image = context.createImageData(size, size);
  for (let i = 0; i < grid.length; i++) {
    const q = discretize ? (grid[i] >= 128 ? 215 : 40) : grid[i];
    image.data.set(PALETTE[q], 4 * i);
    image.data[4 * i + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}

// ---------------------------------------------------------------------------------------------------------------
// Talking to the server
// ---------------------------------------------------------------------------------------------------------------
async function call(method, path, body) {
  const options = {method, headers: {"Content-Type": "application/json"}};
  if (body !== undefined) options.body = JSON.stringify(body);
  const response = await fetch(path, options);
  const answer = path.startsWith("/api/export") ? await response.text() : await response.json();
  if (!response.ok) throw new Error(answer.field ? `${answer.field}: ${answer.error}` : String(answer.error || answer));
  return answer;
}

function report(error) { $("status").textContent = error ? String(error.message || error) : ""; }

async function sendConfig(config) {
  try {
    applyState(await call("POST", "/api/config", config));
    report(null);
  } catch (error) {
    report(error);
    applyState(await call("GET", "/api/state?view=" + page.display.view));
  }
}

function changeConfig(changes) {
  page.scripts = {};
  return sendConfig(Object.assign({}, page.config, changes));
}

async function step(batches) {
  const answer = await call("POST", "/api/step", {batches, view: page.display.view});
  if (answer.run !== page.run) return;  // about a run that has since been replaced
  page.history.push(answer.history_point);
  if (page.history.length > 2000) page.history = page.history.filter((_, i) => i % 2 === 0);
  Object.assign(page.state, answer);
  drawRun();
}

async function play() {
  page.playing = true;
  showPlaying();
  while (page.playing) {
    try {
      await step(page.state.batches_per_epoch);  // one epoch per frame, as the TensorFlow Playground
    } catch (error) {
      report(error);
      page.playing = false;
    }
    if (page.state.diverged) page.playing = false;
    await new Promise(requestAnimationFrame);
  }
  showPlaying();
}

function showPlaying() {
  const button = $("play");
  button.setAttribute("aria-label", page.playing ? "Pause" : "Play");
  button.innerHTML = page.playing ? "&#10074;&#10074;" : "&#9654;";
  button.classList.toggle("playing", page.playing);
}

// ---------------------------------------------------------------------------------------------------------------
// The link: configuration and display in the hash
// ---------------------------------------------------------------------------------------------------------------
function linkHash() {
  const parameters = new URLSearchParams();
  for (const [key, value] of Object.entries(page.config)) {
    parameters.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  for (const key of DISPLAY_FIELDS) parameters.set(key, String(page.display[key]));
  return "#" + parameters.toString();
}

function writeLink() { history.replaceState(null, "", linkHash()); }

function readLink() {  // {config, display}, or null when the page was opened without a configuration
  if (location.hash.length < 2) return null;
  const config = {}, display = Object.assign({}, page.display);
  for (const [key, text] of new URLSearchParams(location.hash.slice(1))) {
    if (key === "view") display.view = text;
    else if (DISPLAY_FIELDS.includes(key)) display[key] = text === "true";
    else if (key === "hidden") config.hidden = text === "" ? [] : text.split(",").map(Number);
    else if (LIST_FIELDS.includes(key)) config[key] = text === "" ? [] : text.split(",");
    else if (NUMBER_FIELDS.includes(key)) config[key] = Number(text);
    else config[key] = text;  // the server checks every field, and names the one it refuses
  }
  return {config, display};
}

// ---------------------------------------------------------------------------------------------------------------
// Drawing a run
// ---------------------------------------------------------------------------------------------------------------
function applyState(state) {
  page.state = state;
  page.config = state.config;
  page.run = state.run;
  page.history = state.history.slice();
  page.shown = null;
  fillControls();
  buildNetwork();
  drawRun();
  writeLink();
}

function drawRun() {
  const state = page.state;
  $("epoch").textContent = formatEpoch(state.epoch);
  $("train-loss").textContent = formatLoss(state.loss.train);
  $("test-loss").textContent = formatLoss(state.loss.test);
  $("train-accuracy").textContent = state.accuracy ? `accuracy ${formatPercent(state.accuracy.train)}` : "";
  $("test-accuracy").textContent = state.accuracy ? `accuracy ${formatPercent(state.accuracy.test)}` : "";
  $("diverged").hidden = !state.diverged;
  drawNeurons();
  drawLinks();
  drawHeatmap();
  drawLossChart();
  drawStats();
  drawCollapse();
}

function formatEpoch(epoch) {  // 000,123 as the TensorFlow Playground, and the fraction of an epoch if any
  const whole = String(Math.floor(epoch)).padStart(6, "0").replace(/\B(?=(\d{3})+$)/g, ",");
  return Number.isInteger(epoch) ? whole : whole + (epoch % 1).toFixed(2).slice(1);
}

function formatLoss(loss) { return loss === null ? "not a number" : loss.toFixed(3); }
function formatPercent(fraction) { return fraction === null ? "–" : (100 * fraction).toFixed(1) + "%"; }

function fillControls() {
  const config = page.config, options = page.state.options;
  fillSelect($("learning-rate"), LEARNING_RATES, config.learning_rate, String);
  fillSelect($("regularization-rate"), REGULARIZATION_RATES, config.regularization_rate, String);
  fillSelect($("activation"), options.activations, config.activation, String);
  fillSelect($("dataset"), options.problems[config.problem], config.dataset, (name) => DATASET_NAMES[name] || name);
  $("regularization").value = config.regularization;
  $("regularization-rate").disabled = config.regularization === "none";
  $("problem").value = config.problem;
  for (const [id, field] of [["ratio", "ratio"], ["noise", "noise"], ["batch-size", "batch_size"]]) {
    $(id).value = config[field];
    $(id + "-value").textContent = config[field] + (field === "batch_size" ? "" : "%");
  }
  $("show-test").checked = page.display.show_test_data;
  $("discretize").checked = page.display.discretize;
  $("gradient-view").checked = page.display.view === "gradient";
  const layers = config.hidden.length;
  $("layer-count").textContent = `${layers} hidden layer${layers === 1 ? "" : "s"}`;
  $("add-layer").disabled = layers >= 6;
  $("remove-layer").disabled = layers === 0;
}

function fillSelect(select, values, current, label) {
  const all = values.includes(current) ? values : values.concat([current]);  // a value from a link stays shown
  select.replaceChildren(...all.map((value) => new Option(label(value), String(value))));
  select.value = String(current);
}

// The network: a column of features, one per hidden layer, and the output; links drawn on a canvas behind.
function buildNetwork() {
  const config = page.config, columns = $("columns");
  columns.replaceChildren();
  const features = element("div", "layer");
  features.append(element("div", "layer-title"));
  for (const name of page.state.options.features) {
    const on = config.features.includes(name), row = element("div", "feature");
    const label = element("span", "feature-name");
    label.textContent = FEATURE_LABELS[name] || name;
    const node = nodeButton(`Feature ${label.textContent}`, page.state.feature_grids[name]);
    node.setAttribute("aria-pressed", String(on));
    node.dataset.feature = name;
    node.addEventListener("click", () => toggleFeature(name));
    row.append(label, node);
    features.append(row);
  }
  columns.append(features);
  config.hidden.forEach((units, layer) => columns.append(hiddenColumn(units, layer)));
  const output = element("div", "layer");
  output.append(element("div", "layer-title"));
  const outputNode = nodeButton("Output neuron", null);
  outputNode.dataset.layer = String(config.hidden.length);
  outputNode.dataset.unit = "0";
  output.append(outputNode);
  columns.append(output);
}

function hiddenColumn(units, layer) {
  const column = element("div", "layer"), title = element("div", "layer-title");
  title.textContent = `${units} neuron${units === 1 ? "" : "s"}`;
  const buttons = element("div", "neuron-buttons");
  buttons.append(smallButton("+", `Add neuron to layer ${layer + 1}`, units >= 8, () => resizeLayer(layer, +1)),
                 smallButton("\u2212", `Remove neuron from layer ${layer + 1}`, units <= 1, () => resizeLayer(layer, -1)));
  column.append(buttons, title);
  for (let unit = 0; unit < units; unit++) {
    const node = nodeButton(`Neuron ${unit + 1} of layer ${layer + 1}`, null);
    node.dataset.layer = String(layer);
    node.dataset.unit = String(unit);
    column.append(node);
  }
  return column;
}

function nodeButton(name, grid) {
  const node = element("button", "node"), canvas = document.createElement("canvas");
  node.type = "button";
  node.setAttribute("aria-label", name);
  node.append(canvas);
  if (grid) paintGrid(canvas, grid, false);
  node.addEventListener("mouseenter", () => showLarge(node));
  node.addEventListener("focus", () => showLarge(node));
  node.addEventListener("mouseleave", () => showLarge(null));
  node.addEventListener("blur", () => showLarge(null));
  return node;
}

function smallButton(text, name, disabled, onClick) {
  const button = element("button", "round tiny");
  button.type = "button";
  button.textContent = text;
  button.setAttribute("aria-label", name);
  button.disabled = disabled;
  button.addEventListener("click", onClick);
  return button;
}

function element(tag, className) {
  const node = document.createElement(tag);
  node.className = className;
  return node;
}

function neuronGrid(layer, unit) {  // the grid a node shows: a hidden neuron's, or the output's
  if (layer === page.config.hidden.length) return page.state.output;
  return page.state.neurons[layer][unit];
}

function drawNeurons() {
  for (const node of document.querySelectorAll(".node[data-layer]")) {
    paintGrid(node.firstChild, neuronGrid(Number(node.dataset.layer), Number(node.dataset.unit)), false);
  }
}

function drawLinks() {  // one line per weight: width for its size, colour for its sign
  const canvas = $("links"), body = $("network"), box = body.getBoundingClientRect();
  canvas.width = box.width; canvas.height = box.height;
  const context = canvas.getContext("2d");
  const columns = [...document.querySelectorAll(".network-columns > .layer")].map(
    (column) => [...column.querySelectorAll(".node")].filter((node) => node.getAttribute("aria-pressed") !== "false"));
  page.state.weights.forEach((kernel, layer) => {
    kernel.forEach((row, from) => row.forEach((weight, to) => {
      const a = columns[layer][from].getBoundingClientRect(), b = columns[layer + 1][to].getBoundingClientRect();
      const w = weight === null ? 0 : weight, [r, g, bl] = colorOf(w);
      context.strokeStyle = `rgba(${r}, ${g}, ${bl}, 0.9)`;
      context.lineWidth = Math.min(8, 0.6 + 1.6 * Math.abs(w));
      context.beginPath();
      context.moveTo(a.right - box.left, a.top + a.height / 2 - box.top);
      context.bezierCurveTo(a.right - box.left + 30, a.top + a.height / 2 - box.top,
                            b.left - box.left - 30, b.top + b.height / 2 - box.top,
                            b.left - box.left, b.top + b.height / 2 - box.top);
      context.stroke();
    }));
  });
}

function showLarge(node) {
  document.querySelectorAll(".node.shown").forEach((n) => n.classList.remove("shown"));
  page.shown = node;
  if (page.shown) page.shown.classList.add("shown");
  drawHeatmap();
}

function drawHeatmap() {  // the output (or the neuron shown large) over the plane, with the data points
  const canvas = $("heatmap"), context = canvas.getContext("2d"), state = page.state;
  let grid = state.output, caption = "Output", discretize = page.display.discretize;
  const node = page.shown;
  if (node && node.dataset.feature) {
    grid = state.feature_grids[node.dataset.feature];
    caption = `Feature ${FEATURE_LABELS[node.dataset.feature] || node.dataset.feature}` + (page.config.features.includes(node.dataset.feature) ? "" : " (off)");
    discretize = false;
  } else if (node && Number(node.dataset.layer) < page.config.hidden.length) {
    grid = neuronGrid(Number(node.dataset.layer), Number(node.dataset.unit));
    caption = `${node.getAttribute("aria-label")}: ` + (page.display.view === "gradient" ? "∂output/∂neuron" : "its output");
    discretize = false;
  }
  $("showing").textContent = caption;
  const small = document.createElement("canvas");
  if (grid) paintGrid(small, grid, discretize);
  context.imageSmoothingEnabled = true;
  context.clearRect(0, 0, canvas.width, canvas.height);
  context.drawImage(small, 0, 0, canvas.width, canvas.height);
  drawPoints(context, state.points.train, "#fff");
  if (page.display.show_test_data) drawPoints(context, state.points.test, "#000");
}

function drawPoints(context, points, stroke) {
  const extent = page.state.grid.extent, size = $("heatmap").width, classify = page.config.problem === "classification";
  context.lineWidth = 1;
  context.strokeStyle = stroke;
  for (const [x1, x2, label] of points) {
    const [r, g, b] = colorOf(classify ? 2 * label - 1 : label);
    context.fillStyle = `rgb(${r}, ${g}, ${b})`;
    context.beginPath();
    context.arc((x1 + extent) / (2 * extent) * size, (extent - x2) / (2 * extent) * size, 3, 0, 2 * Math.PI);
    context.fill();
    context.stroke();
  }
}

function drawLossChart() {
  const canvas = $("loss-chart"), context = canvas.getContext("2d"), points = page.history;
  context.clearRect(0, 0, canvas.width, canvas.height);
  const values = points.flatMap((p) => [p[1], p[2]]).filter((v) => v !== null);
  if (points.length < 2 || values.length === 0) return;
  const top = Math.max(...values) || 1, last = points[points.length - 1][0] || 1;
  for (const [column, colour] of [[1, "#999"], [2, "#000"]]) {
    context.strokeStyle = colour;
    context.lineWidth = 1.5;
    context.beginPath();
    points.forEach((p, i) => {
      if (p[column] === null) return;
      const x = p[0] / last * (canvas.width - 2) + 1, y = canvas.height - 2 - p[column] / top * (canvas.height - 4);
      if (i === 0) context.moveTo(x, y); else context.lineTo(x, y);
    });
    context.stroke();
  }
}

function drawStats() {  // one row per layer: saturated and dead fractions (with a bar), gradient norm
  const rows = page.state.stats.map((stat, layer) => {
    const row = document.createElement("tr");
    const hidden = layer < page.config.hidden.length;
    row.append(cell(hidden ? `Hidden ${layer + 1} (${page.config.activation})` : "Output (linear)"),
               percentCell(stat.saturated), percentCell(stat.dead),
               cell(stat.grad_norm === null ? "–" : stat.grad_norm.toExponential(2)));
    return row;
  });
  $("stats").tBodies[0].replaceChildren(...rows);
}

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

function percentCell(fraction) {
  const td = cell(formatPercent(fraction));
  if (fraction !== null) {
    const bar = element("span", "bar-cell");
    bar.style.width = `${Math.round(40 * fraction)}px`;
    td.append(bar);
  }
  return td;
}

function drawCollapse() {
  const panel = page.state.collapse, box = $("collapse");
  if (!panel.linear) {
    box.innerHTML = "<p>With a nonlinear activation the stack does not collapse into one layer:</p>";
    const why = element("p", "why");
    why.textContent = panel.message;
    box.append(why);
    return;
  }
  const term = (w, name, first) => (w < 0 ? (first ? "−" : " − ") : (first ? "" : " + ")) +
                                   Math.abs(w).toFixed(3) + (name ? "·" + name : "");
  const terms = panel.kernel.map((w, i) => term(w, panel.features[i], i === 0));
  const equation = "z = " + terms.join("") + (panel.bias === null ? " + nan" : term(panel.bias, "", false));
  const difference = panel.max_difference === null ? "not a number" : panel.max_difference.toExponential(1);
  box.innerHTML = "";
  const lead = element("p", "");
  lead.textContent = `All ${panel.layers} layers are linear, so they equal one Dense layer (tinygrad_acts.collapse):`;
  const code = element("code", "");
  code.textContent = equation;
  const check = element("p", "");
  check.textContent = `Its output equals the stack's: largest difference over the grid ${difference}` +
                      " (float32 rounding). A line through the plane is all this network can draw.";
  box.append(lead, code, check);
}

// ---------------------------------------------------------------------------------------------------------------
// Controls
// ---------------------------------------------------------------------------------------------------------------
function toggleFeature(name) {
  const on = page.config.features.includes(name);
  const features = on ? page.config.features.filter((f) => f !== name) : page.config.features.concat([name]);
  if (features.length > 0) changeConfig({features});
}

function resizeLayer(layer, change) {
  const hidden = page.config.hidden.slice();
  hidden[layer] = Math.max(1, Math.min(8, hidden[layer] + change));
  changeConfig({hidden});
}

function changeLayers(change) {
  const hidden = page.config.hidden.slice();
  if (change > 0 && hidden.length < 6) hidden.push(2);
  if (change < 0) hidden.pop();
  changeConfig({hidden});
}

function setDisplay(key, value) {
  page.display[key] = value;
  writeLink();
  if (key === "view") {
    call("GET", "/api/state?view=" + value).then(applyState, report);
  } else {
    drawHeatmap();
  }
}

async function showExport(flavor) {
  page.flavor = flavor;
  $("export-panel").hidden = false;
  $("flavor-tinygrad").setAttribute("aria-pressed", String(flavor === "tinygrad_acts"));
  $("flavor-keras").setAttribute("aria-pressed", String(flavor === "keras"));
  try {
    const script = await call("GET", "/api/export?flavor=" + flavor);
    $("script").value = script;
    const link = $("download");
    URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(new Blob([script], {type: "text/x-python"}));
    link.download = flavor === "keras" ? "playground_keras.py" : "playground_tinygrad_acts.py";
  } catch (error) {
    report(error);
  }
}

function connectControls() {
  $("play").addEventListener("click", () => { if (page.playing) page.playing = false; else play(); });
  $("step").addEventListener("click", () => step(page.state.batches_per_epoch).catch(report));
  $("reset").addEventListener("click", () => call("POST", "/api/reset", {view: page.display.view}).then(applyState, report));
  $("regenerate").addEventListener("click", () => changeConfig({data_seed: Math.floor(Math.random() * 1e9)}));
  $("learning-rate").addEventListener("change", (e) => changeConfig({learning_rate: Number(e.target.value)}));
  $("regularization-rate").addEventListener("change",
                                           (e) => changeConfig({regularization_rate: Number(e.target.value)}));
  $("activation").addEventListener("change", (e) => changeConfig({activation: e.target.value}));
  $("regularization").addEventListener("change", (e) => changeConfig({regularization: e.target.value}));
  $("problem").addEventListener("change", (e) => changeConfig({problem: e.target.value,
                                                               dataset: page.state.options.problems[e.target.value][0]}));
  $("dataset").addEventListener("change", (e) => changeConfig({dataset: e.target.value}));
  for (const [id, field] of [["ratio", "ratio"], ["noise", "noise"], ["batch-size", "batch_size"]]) {
    $(id).addEventListener("input", (e) => { $(id + "-value").textContent = e.target.value; });
    $(id).addEventListener("change", (e) => changeConfig({[field]: Number(e.target.value)}));
  }
  $("add-layer").addEventListener("click", () => changeLayers(+1));
  $("remove-layer").addEventListener("click", () => changeLayers(-1));
  $("show-test").addEventListener("change", (e) => setDisplay("show_test_data", e.target.checked));
  $("discretize").addEventListener("change", (e) => setDisplay("discretize", e.target.checked));
  $("gradient-view").addEventListener("change", (e) => setDisplay("view", e.target.checked ? "gradient" : "output"));
  $("export").addEventListener("click", () => showExport(page.flavor));
  $("flavor-tinygrad").addEventListener("click", () => showExport("tinygrad_acts"));
  $("flavor-keras").addEventListener("click", () => showExport("keras"));
  window.addEventListener("resize", () => page.state && drawLinks());
  window.addEventListener("hashchange", start);
}

async function start() {
  const link = readLink();
  if (link && page.config && linkHash() === location.hash) return;  // the run on show already
  if (link) {
    page.display = link.display;
    await sendConfig(link.config);
  } else {
    applyState(await call("GET", "/api/state"));
  }
}

connectControls();
start().catch(report);
