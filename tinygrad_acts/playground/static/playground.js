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
const CONTROLS = {learning_rate: "learning-rate", activation: "activation", regularization: "regularization",
                  regularization_rate: "regularization-rate", problem: "problem", dataset: "dataset",
                  ratio: "ratio", noise: "noise", batch_size: "batch-size", data_seed: "regenerate",
                  features: "network", hidden: "layer-count"};  // where a refused field's message is shown
const ORANGE = [245, 147, 34], MIDDLE = [232, 234, 235], BLUE = [8, 119, 189];

const page = {session: null, config: null, display: {show_test_data: false, discretize: false, view: "output"},
              state: null, run: 0, playing: false, loop: null, history: [], shown: null, links: [],
              flavor: "tinygrad_acts", announced: 0, announcement: null};
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
class ServerError extends Error {  // a refusal: its HTTP status and the field the server names
  constructor(status, field, message) {
    super(field && field !== "body" ? `${field}: ${message}` : message);
    this.status = status; this.field = field; this.reason = message;
  }
}

async function call(method, path, body) {
  const headers = {"Content-Type": "application/json"};
  if (page.session) headers["X-Session"] = page.session;
  let response;
  try {
    response = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  } catch (error) {  // no answer at all: the server is gone
    showStopped(true);
    throw new ServerError(0, "server", "the server does not answer");
  }
  showStopped(false);
  const answer = path.startsWith("/api/export") && response.ok ? await response.text() : await response.json();
  if (!response.ok) throw new ServerError(response.status, answer.field, answer.error);
  return answer;
}

async function callRun(method, path, body) {  // a call about this tab's run; an expired run is opened again
  try {
    return await call(method, path, body);
  } catch (error) {
    if (error.status !== 410 || !page.config) throw error;
    await openRun(page.config);
    notify("This tab's run was gone from the server (it closes runs idle for over " +
           `${page.idleMinutes} minutes, and a restarted server has none): a new one started from epoch 0 ` +
           "with the same settings.");
    error.handled = true;  // said already
    throw error;
  }
}

async function openRun(config) {  // a run for this tab; a refused field is left at its default, and said so
  const given = Object.assign({}, config), refused = [];
  for (;;) {
    try {
      page.session = null;
      const state = await call("POST", "/api/session?view=" + page.display.view, given);
      page.session = state.session;
      page.idleMinutes = state.idle_seconds / 60;
      applyState(state);
      return refused;
    } catch (error) {
      if (error.status !== 400 || !(error.field in given)) throw error;
      refused.push(`${error.field}=${given[error.field]} (${error.message})`);
      delete given[error.field];
    }
  }
}

function closeRun() {  // the tab goes away: so does its run (the server also closes idle runs)
  if (!page.session) return;
  fetch("/api/close", {method: "POST", keepalive: true, body: "{}",
                       headers: {"Content-Type": "application/json", "X-Session": page.session}}).catch(() => {});
}

// ---------------------------------------------------------------------------------------------------------------
// Saying what happened: banners in view, field errors beside their control, a polite live region for events
// ---------------------------------------------------------------------------------------------------------------
function announce(text) {  // events only (start, pause, diverged, errors), at most one a second
  page.announcement = text;
  const wait = page.announced + 1000 - Date.now();
  if (wait > 0) {
    if (!page.announceTimer) page.announceTimer = setTimeout(() => { page.announceTimer = null; announce(page.announcement); }, wait);
    return;
  }
  page.announced = Date.now();
  $("announce").textContent = text;
}

function notify(text) {  // a message in view at the top of the page, and spoken once
  $("status").textContent = text;
  $("status").hidden = !text;
  if (text) announce(text);
}

function showStopped(stopped) {
  if ($("stopped").hidden === !stopped) return;
  $("stopped").hidden = !stopped;
  if (stopped) {
    page.playing = false;
    announce("The server stopped. Restart it with python -m tinygrad_acts.playground, then press Try again.");
  }
}

function fieldError(field, message) {  // the message beside the control that caused it
  const control = $(CONTROLS[field] || "network");
  const holder = control.closest(".field") || control.closest("section") || control.parentElement;
  let note = holder.querySelector(":scope > .field-error");
  if (!note) {
    note = element("p", "field-error");
    note.id = `error-${CONTROLS[field] || "network"}`;
    holder.append(note);
  }
  note.textContent = message;
  control.setAttribute("aria-describedby", note.id);
  control.setAttribute("aria-invalid", "true");
  announce(message);
}

function clearFieldErrors() {
  document.querySelectorAll(".field-error").forEach((note) => note.remove());
  document.querySelectorAll("[aria-invalid]").forEach((control) => {
    control.removeAttribute("aria-invalid");
    control.removeAttribute("aria-describedby");
  });
}

function showError(error, field) {  // a refused request: beside its control, else at the top
  if (error.status === 0 || error.handled) return;  // the stopped-server banner, or the reopened run, says it
  if (field || (error.field && error.field in CONTROLS)) fieldError(field || error.field, error.message);
  else notify(error.message);
}

// ---------------------------------------------------------------------------------------------------------------
// Training
// ---------------------------------------------------------------------------------------------------------------
async function step(batches) {
  if (!page.state) return;
  const answer = await callRun("POST", "/api/step", {batches, view: page.display.view});
  if (answer.run !== page.run) return;  // about a run that has since been replaced
  takeSnapshot(answer);
}

function takeSnapshot(answer) {
  const diverging = answer.diverged && !page.state.diverged;
  page.history.push(answer.history_point);
  if (page.history.length > 2000) page.history = page.history.filter((_, i) => i % 2 === 0);
  Object.assign(page.state, answer);
  drawRun();
  if (diverging) announce(answer.diverged_message);
}

function play() {
  page.playing = true;
  showPlaying();
  announce("Training");
  page.loop = (async () => {
    while (page.playing) {
      try {
        await step(page.state.batches_per_epoch);  // one epoch per frame, as the TensorFlow Playground
      } catch (error) {
        showError(error);
        page.playing = false;
      }
      if (page.state.diverged) page.playing = false;
      await new Promise(requestAnimationFrame);
    }
    showPlaying();
    if (!page.state.diverged) announce(`Paused at epoch ${Math.floor(page.state.epoch)}`);
  })();
  return page.loop;
}

async function pause() {  // stop playing and wait for the step on its way
  page.playing = false;
  if (page.loop) await page.loop;
}

function showPlaying() {
  const button = $("play");
  button.setAttribute("aria-label", page.playing ? "Pause" : "Play");
  button.innerHTML = page.playing ? "&#10074;&#10074;" : "&#9654;";
  button.classList.toggle("playing", page.playing);
}

// ---------------------------------------------------------------------------------------------------------------
// Changing the run: learning rate, regularization and batch size live; anything else a new run
// ---------------------------------------------------------------------------------------------------------------
function changeConfig(update, field) {  // one change at a time, each on top of the last one's answer
  page.changes = (page.changes || Promise.resolve()).then(() => sendChange(update, field));
  return page.changes;
}

async function sendChange(update, field) {
  const changes = typeof update === "function" ? update(page.config) : update;
  if (!changes) return;
  const config = Object.assign({}, page.config, changes);
  const live = Object.keys(changes).every((key) => page.state.options.live_fields.includes(key));
  if (!live) await pause();
  try {
    const state = await callRun("POST", "/api/config?view=" + page.display.view, config);
    clearFieldErrors();
    applyState(state);
    if (state.restarted) announce(`New run from epoch 0: ${Object.keys(changes).join(", ")} changed`);
  } catch (error) {
    showError(error, field);
    fillControls();  // the controls show the run as it is
  }
}

function applyState(state) {
  const rebuild = !page.state || structure(state.config) !== structure(page.config) ||
                  state.run !== page.run || state.view !== page.state.view;
  page.state = state;
  page.config = state.config;
  page.run = state.run;
  page.history = state.history.slice();
  fillControls();
  if (rebuild) buildNetwork();
  drawRun();
  writeLink();
  for (const id of ["play", "step", "reset"]) $(id).disabled = false;
}

function structure(config) {  // what the network's drawing depends on
  return JSON.stringify([config.features, config.hidden, config.problem]);
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

function readLink() {  // {config, display}; an empty config when the page was opened without one
  const config = {}, display = Object.assign({}, page.display);
  for (const [key, text] of new URLSearchParams(location.hash.slice(1))) {
    if (key === "view") display.view = text === "gradient" ? "gradient" : "output";
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
function drawRun() {
  const state = page.state;
  $("epoch").textContent = formatEpoch(state.epoch);
  $("train-loss").textContent = formatLoss(state.loss.train);
  $("test-loss").textContent = formatLoss(state.loss.test);
  $("train-accuracy").textContent = state.accuracy ? `accuracy ${formatPercent(state.accuracy.train)}` : "";
  $("test-accuracy").textContent = state.accuracy ? `accuracy ${formatPercent(state.accuracy.test)}` : "";
  $("diverged").hidden = !state.diverged;
  $("diverged").textContent = state.diverged_message;
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

function formatLoss(loss) {  // a number as it is, however large; 'inf' and 'nan' as the server names them
  if (typeof loss === "string") return loss;
  return Math.abs(loss) >= 1e4 ? loss.toExponential(2) : loss.toFixed(3);
}

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
  if (select.options.length === all.length && [...select.options].every((o, i) => o.value === String(all[i]))) {
    select.value = String(current);  // the same options: leave them, so focus and the screen reader stay put
    return;
  }
  select.replaceChildren(...all.map((value) => new Option(label(value), String(value))));
  select.value = String(current);
}

// The network: a column of features, one per hidden layer, and the output; links drawn on a canvas behind.
function buildNetwork() {
  const focused = document.activeElement && $("columns").contains(document.activeElement) ?
    document.activeElement.getAttribute("aria-label") : null;
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
  output.append(neuronNode("Output neuron", config.hidden.length, 0));
  columns.append(output);
  if (focused) {  // the control just used keeps the focus, though the network was drawn again
    const again = [...columns.querySelectorAll("[aria-label]")].find((n) => n.getAttribute("aria-label") === focused);
    (again && !again.disabled ? again : $("add-layer")).focus();
  }
}

function hiddenColumn(units, layer) {
  const column = element("div", "layer"), title = element("div", "layer-title");
  title.textContent = `${units} neuron${units === 1 ? "" : "s"}`;
  const buttons = element("div", "neuron-buttons");
  buttons.append(smallButton("+", `Add neuron to layer ${layer + 1}`, units >= 8, () => resizeLayer(layer, +1)),
                 smallButton("\u2212", `Remove neuron from layer ${layer + 1}`, units <= 1, () => resizeLayer(layer, -1)));
  column.append(buttons, title);
  for (let unit = 0; unit < units; unit++) column.append(neuronNode(`Neuron ${unit + 1} of layer ${layer + 1}`, layer, unit));
  return column;
}

function neuronNode(name, layer, unit) {  // a neuron, with its bias drawn as a small square on its corner
  const node = nodeButton(name, null);
  node.dataset.layer = String(layer);
  node.dataset.unit = String(unit);
  const bias = element("span", "bias");
  bias.setAttribute("aria-hidden", "true");
  node.append(bias);
  return node;
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
    const layer = Number(node.dataset.layer), unit = Number(node.dataset.unit);
    paintGrid(node.firstChild, neuronGrid(layer, unit), false);
    const bias = page.state.biases[layer][unit], [r, g, b] = colorOf(bias === null ? 0 : bias);
    node.lastChild.style.background = `rgb(${r}, ${g}, ${b})`;
  }
}

function drawLinks() {  // one line per weight: width for its size, colour for its sign
  const canvas = $("links"), body = $("network"), box = body.getBoundingClientRect();
  canvas.width = box.width; canvas.height = box.height;
  const context = canvas.getContext("2d");
  const columns = [...document.querySelectorAll(".network-columns > .layer")].map(
    (column) => [...column.querySelectorAll(".node")].filter((node) => node.getAttribute("aria-pressed") !== "false"));
  page.links = [];
  page.state.weights.forEach((kernel, layer) => {
    kernel.forEach((row, from) => row.forEach((weight, to) => {
      const a = columns[layer][from].getBoundingClientRect(), b = columns[layer + 1][to].getBoundingClientRect();
      const w = weight === null ? 0 : weight, [r, g, bl] = colorOf(w);
      const start = [a.right - box.left, a.top + a.height / 2 - box.top];
      const end = [b.left - box.left, b.top + b.height / 2 - box.top];
      const curve = [start, [start[0] + 30, start[1]], [end[0] - 30, end[1]], end];
      context.strokeStyle = `rgba(${r}, ${g}, ${bl}, 0.9)`;
      context.lineWidth = Math.min(8, 0.6 + 1.6 * Math.abs(w));
      context.beginPath();
      context.moveTo(...curve[0]);
      context.bezierCurveTo(...curve[1], ...curve[2], ...curve[3]);
      context.stroke();
      page.links.push({layer, from, to, weight, points: bezierPoints(curve), source: columns[layer][from],
                       target: columns[layer + 1][to]});
    }));
  });
}

function bezierPoints([p0, p1, p2, p3]) {  // 24 points along a cubic curve, to find the line under the pointer
  return Array.from({length: 25}, (_, i) => {
    const t = i / 24, u = 1 - t;
    return [0, 1].map((k) => u * u * u * p0[k] + 3 * u * u * t * p1[k] + 3 * u * t * t * p2[k] + t * t * t * p3[k]);
  });
}

// Hovering a weight line or a bias square shows its value; a click lets you type a new one, as TF Playground.
function weightAt(event) {
  const box = $("network").getBoundingClientRect(), x = event.clientX - box.left, y = event.clientY - box.top;
  for (const node of document.querySelectorAll(".node[data-layer]")) {
    const square = node.lastChild.getBoundingClientRect();
    if (event.clientX >= square.left - 2 && event.clientX <= square.right + 2 &&
        event.clientY >= square.top - 2 && event.clientY <= square.bottom + 2) {
      const layer = Number(node.dataset.layer), to = Number(node.dataset.unit);
      return {layer, to, from: null, value: page.state.biases[layer][to], x, y,
              name: `Bias of ${node.getAttribute("aria-label").toLowerCase()}`};
    }
  }
  let best = null, nearest = 6;  // within 6 pixels of a line
  for (const link of page.links) {
    for (const [px, py] of link.points) {
      const distance = Math.hypot(px - x, py - y);
      if (distance < nearest) { nearest = distance; best = link; }
    }
  }
  if (!best) return null;
  return {layer: best.layer, to: best.to, from: best.from, value: best.weight, x, y,
          name: `Weight from ${best.source.getAttribute("aria-label").toLowerCase()} to ` +
                `${best.target.getAttribute("aria-label").toLowerCase()}`};
}

function showWeight(event) {
  const tip = $("weight-tip");
  if (tip.dataset.editing === "true") return;
  const found = weightAt(event);
  tip.hidden = !found;
  if (!found) return;
  tip.textContent = `${found.name}: ${found.value === null ? "not a number" : found.value.toFixed(3)} (click to change)`;
  placeTip(tip, found);
}

function placeTip(tip, found) {
  const width = $("network").clientWidth;
  tip.style.left = `${Math.max(0, Math.min(found.x + 12, width - 240))}px`;
  tip.style.top = `${found.y + 12}px`;
}

function editWeight(event) {
  const found = weightAt(event), tip = $("weight-tip");
  if (!found || (event.target.closest("button") && found.from !== null)) return;  // a click on a neuron is its own
  tip.replaceChildren();
  tip.dataset.editing = "true";
  const label = element("label", ""), input = element("input", "");
  label.textContent = found.name + " ";
  input.type = "number";
  input.step = "0.1";
  input.value = found.value === null ? "0" : String(found.value);
  label.append(input);
  tip.append(label);
  tip.hidden = false;
  placeTip(tip, found);
  input.focus();
  input.select();
  const finish = async (keep) => {
    if (tip.dataset.editing !== "true") return;
    tip.dataset.editing = "false";
    tip.hidden = true;
    if (!keep) return;
    try {
      const answer = await callRun("POST", "/api/weight?view=" + page.display.view,
                                   {layer: found.layer, to: found.to, from: found.from, value: Number(input.value)});
      if (answer.run === page.run) takeSnapshot(answer);
    } catch (error) {
      fieldError("features", error.message);
    }
  };
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") finish(true);
    if (e.key === "Escape") finish(false);
  });
  input.addEventListener("blur", () => finish(true));
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
  drawLegend(node && !node.dataset.feature && Number(node.dataset.layer) < page.config.hidden.length);
}

function drawLegend(neuron) {  // the colour scale of what the heat map shows
  const canvas = $("legend"), context = canvas.getContext("2d");
  for (let x = 0; x < canvas.width; x++) {
    const [r, g, b] = colorOf(2 * x / (canvas.width - 1) - 1);
    context.fillStyle = `rgb(${r}, ${g}, ${b})`;
    context.fillRect(x, 0, 1, canvas.height);
  }
  const classify = page.config.problem === "classification";
  $("legend-caption").textContent = neuron ? (page.display.view === "gradient" ? "scaled to its largest size" : "its value") :
    classify ? "2·P(class 1) − 1: orange class 0, blue class 1" : "the predicted value";
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
  for (const [column, colour] of [[1, "#777"], [2, "#000"]]) {
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
  drawHistograms();
}

const LAYER_COLOURS = ["#0877bd", "#c4461b", "#2a7d2e", "#7b3fa0", "#7a6200", "#00707a", "#333333"];

function drawHistograms() {  // one curve per layer: the fraction of its outputs in each bin over [-4, 4]
  const canvas = $("histograms"), context = canvas.getContext("2d"), stats = page.state.stats;
  context.clearRect(0, 0, canvas.width, canvas.height);
  const legend = $("histogram-legend");
  legend.replaceChildren();
  if (stats[0].histogram === null) {
    legend.textContent = "No histograms: the run diverged.";
    return;
  }
  const top = Math.max(...stats.flatMap((stat) => stat.histogram)) || 1, bins = stats[0].histogram.length;
  stats.forEach((stat, layer) => {
    const colour = LAYER_COLOURS[layer % LAYER_COLOURS.length];
    context.strokeStyle = colour;
    context.lineWidth = 1.5;
    context.beginPath();
    stat.histogram.forEach((fraction, bin) => {
      const x = (bin + 0.5) / bins * canvas.width, y = canvas.height - 1 - fraction / top * (canvas.height - 4);
      if (bin === 0) context.moveTo(x, y); else context.lineTo(x, y);
    });
    context.stroke();
    const item = element("span", "histogram-key"), swatch = element("span", "key");
    swatch.style.borderColor = colour;
    const hidden = layer < page.config.hidden.length;
    item.append(swatch, `${hidden ? "Hidden " + (layer + 1) : "Output"}: mean ${stat.mean.toFixed(2)}, std ${stat.std.toFixed(2)}`);
    legend.append(item);
  });
  context.strokeStyle = "#999";  // the axis: 0 in the middle
  context.beginPath();
  context.moveTo(canvas.width / 2, canvas.height);
  context.lineTo(canvas.width / 2, canvas.height - 6);
  context.stroke();
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
                                   Math.abs(w).toFixed(3) + (name ? "·" + (FEATURE_LABELS[name] || name) : "");
  const terms = panel.kernel.map((w, i) => term(w, panel.features[i], i === 0));
  const equation = "z = " + terms.join("") + (panel.bias === null ? " + nan" : term(panel.bias, "", false));
  const difference = panel.max_difference === null ? "not a number" : panel.max_difference.toExponential(1);
  box.innerHTML = "";
  const lead = element("p", ""), code = element("code", ""), check = element("p", ""), drawn = element("p", "");
  lead.textContent = panel.lead;
  code.textContent = equation;
  check.textContent = `Its output equals the stack's: largest difference over the grid ${difference} (float32 rounding).`;
  drawn.textContent = panel.drawn;
  box.append(lead, code, check, drawn);
}

// ---------------------------------------------------------------------------------------------------------------
// Backprop, step by step: the graph the engine recorded for one training point, and its backward pass in the
// engine's order. Every number comes from the server (the engine's own rules); this draws them.
// ---------------------------------------------------------------------------------------------------------------
const SVG = "http://www.w3.org/2000/svg";

async function loadBackprop() {
  const sample = Math.max(0, Math.floor(Number($("backprop-sample").value) || 0));
  const key = [page.run, page.state.batches, sample].join();
  if (page.backpropKey === key) return;  // this sample of these weights is on show, or on its way
  page.backpropKey = key;
  try {
    const trace = await callRun("GET", "/api/backprop?sample=" + sample);
    if (page.backpropKey !== key) return;  // another sample was asked for meanwhile
    page.backprop = trace;
    trace.position = -1;  // before the first step: the loss, with gradient 1
    trace.batches = page.state.batches;
    trace.run = page.run;
    drawBackprop();
  } catch (error) {
    page.backpropKey = null;
    showError(error);
  }
}

function moveBackprop(position) {
  const trace = page.backprop;
  if (!trace || !trace.available) return;
  trace.position = Math.max(-1, Math.min(trace.steps.length, position));
  drawBackprop();
}

function formatNumbers(value) {  // a small array as [[0.6013, −0.1021]]: four significant digits
  if (value === null) return "nan";
  if (Array.isArray(value)) return "[" + value.map(formatNumbers).join(", ") + "]";
  return Number(value.toPrecision(4)).toString().replace("-", "−");
}

function drawBackprop() {
  const trace = page.backprop, text = $("backprop-step");
  const available = Boolean(trace && trace.available);
  for (const id of ["backprop-previous", "backprop-next", "backprop-end"]) $(id).disabled = !available;
  if (!available) {
    $("backprop-graph").replaceChildren();
    $("backprop-position").textContent = "";
    text.textContent = trace ? trace.message : "";
    return;
  }
  $("backprop-sample").max = String(trace.samples - 1);
  const steps = trace.steps, position = trace.position, step = steps[position];
  $("backprop-position").textContent = position < 0 ? `${steps.length} steps` :
    position >= steps.length ? "done" : `step ${position + 1} of ${steps.length}`;
  drawBackpropGraph(trace, step);
  text.replaceChildren();
  const line = (label, value) => {
    const p = element("p", "");
    const name = element("strong", "");
    name.textContent = label + " ";
    p.append(name, document.createTextNode(value));
    text.append(p);
  };
  const name = (id) => `${trace.nodes[id].label} (node ${id})`;
  const point = `(x1, x2) = (${trace.point.map(formatNumbers).join(", ")}), label ${formatNumbers(trace.label)}`;
  if (position < 0) {
    line("Training point " + trace.sample + ":", `${point}; its loss ${formatNumbers(trace.loss)}.`);
    line("Next:", "the engine starts at the loss with gradient 1 and visits the tensors newest first, " +
                  "so each one has all its gradient when its turn comes.");
  } else if (step) {
    const node = trace.nodes[step.node];
    line(`Step ${position + 1}:`, `${name(step.node)}, shape (${node.shape.join(", ")})`);
    line("Its value, out =", formatNumbers(node.value));
    line("Gradient arriving, g =", formatNumbers(step.arriving));
    line(`Rule of ${step.op}:`, step.rule);
    for (const send of step.sends) line(`Sends to ${name(send.to)}:`, formatNumbers(send.grad));
  } else {
    line("Done:", `the gradients of the weights for training point ${trace.sample}, as backward() gives them`);
    const table = element("table", "stats backprop-gradients");
    for (const [weight, grad] of Object.entries(trace.gradients)) {
      const row = document.createElement("tr");
      row.append(cell(weight), cell(formatNumbers(grad)));
      row.dataset.weight = weight;
      table.append(row);
    }
    text.append(table);
  }
}

function drawBackpropGraph(trace, step) {  // the forward chain left to right, each weight below the op using it
  const svg = $("backprop-graph"), width = 92, height = 32, across = 102, down = 46;
  const columns = {}, rows = {}, lowest = {};
  let column = 0;
  for (const node of trace.nodes) if (node.kind === "op") { columns[node.id] = column++; rows[node.id] = 0; }
  for (const node of trace.nodes) {
    if (node.kind !== "op") continue;
    for (const input of node.inputs) {
      if (trace.nodes[input].kind === "op" || input in columns) continue;
      columns[input] = columns[node.id];
      lowest[node.id] = (lowest[node.id] || 0) + 1;
      rows[input] = lowest[node.id];
    }
  }
  const done = new Set(trace.steps.slice(0, Math.max(0, trace.position)).map((s) => s.node));
  const sentTo = new Set(step ? step.sends.map((s) => s.to) : []);
  const at = (id) => [8 + columns[id] * across, 8 + rows[id] * down];
  svg.setAttribute("width", String(16 + column * across));
  svg.setAttribute("height", String(16 + (1 + Math.max(0, ...Object.values(rows))) * down));
  svg.replaceChildren();
  for (const node of trace.nodes) {
    if (!(node.id in columns)) continue;
    for (const input of node.inputs) {
      if (!(input in columns)) continue;
      const [x1, y1] = at(input), [x2, y2] = at(node.id), edge = document.createElementNS(SVG, "path");
      const from = rows[input] === 0 ? [x1 + width, y1 + height / 2] : [x1 + width / 2, y1];
      edge.setAttribute("d", `M${from[0]},${from[1]} L${x2 + (rows[input] === 0 ? 0 : width / 2)},${y2 + (rows[input] === 0 ? height / 2 : height)}`);
      const active = step && step.node === node.id && sentTo.has(input);
      edge.setAttribute("class", active ? "edge active" : "edge");
      svg.append(edge);
    }
  }
  for (const node of trace.nodes) {
    if (!(node.id in columns)) continue;
    const [x, y] = at(node.id), group = document.createElementNS(SVG, "g");
    const state = step && step.node === node.id ? "current" : sentTo.has(node.id) ? "receiving" :
      done.has(node.id) ? "done" : "";
    group.setAttribute("class", `graph-node ${node.kind} ${state}`);
    group.setAttribute("transform", `translate(${x},${y})`);
    const box = document.createElementNS(SVG, "rect"), label = document.createElementNS(SVG, "text");
    box.setAttribute("width", String(width));
    box.setAttribute("height", String(height));
    box.setAttribute("rx", "4");
    label.setAttribute("x", String(width / 2));
    label.setAttribute("y", String(height / 2 + 4));
    label.textContent = node.label.length > 14 ? node.label.slice(0, 13) + "…" : node.label;
    const title = document.createElementNS(SVG, "title");
    title.textContent = `${node.label} (node ${node.id}), shape (${node.shape.join(", ")})`;
    group.append(title, box, label);
    svg.append(group);
  }
  if (step) {  // the node at work stays in view
    const scroller = svg.parentElement, x = at(step.node)[0];
    if (x < scroller.scrollLeft || x + width > scroller.scrollLeft + scroller.clientWidth) {
      scroller.scrollLeft = Math.max(0, x - scroller.clientWidth / 2);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Controls
// ---------------------------------------------------------------------------------------------------------------
function toggleFeature(name) {
  changeConfig((config) => {
    const on = config.features.includes(name);
    const features = on ? config.features.filter((f) => f !== name) : config.features.concat([name]);
    if (features.length > 0) return {features};
    fieldError("features", "features: at least one feature must stay on");
    return null;
  }, "features");
}

function resizeLayer(layer, change) {
  changeConfig((config) => {
    const hidden = config.hidden.slice();
    hidden[layer] = Math.max(1, Math.min(8, hidden[layer] + change));
    return {hidden};
  }, "hidden");
}

function changeLayers(change) {
  changeConfig((config) => {
    const hidden = config.hidden.slice();
    if (change > 0 && hidden.length < 6) hidden.push(2);
    if (change < 0) hidden.pop();
    return {hidden};
  }, "hidden");
}

function setDisplay(key, value) {
  page.display[key] = value;
  writeLink();
  if (key === "view") {
    callRun("GET", "/api/state?view=" + value).then(applyState, (error) => showError(error));
  } else {
    drawHeatmap();
  }
}

function selectTab(tab) {  // the panels under the network: one shown at a time
  for (const other of document.querySelectorAll("[role=tab]")) {
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    other.tabIndex = selected ? 0 : -1;
    $(other.getAttribute("aria-controls")).hidden = !selected;
  }
  if (tab.id === "tab-export") showExport(page.flavor);
  if (tab.id === "tab-backprop") loadBackprop();
}

function moveTab(event) {  // arrow keys move between the tabs, as the ARIA tabs pattern has it
  const tabs = [...document.querySelectorAll("[role=tab]")], index = tabs.indexOf(event.target);
  const next = {ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1}[event.key];
  if (next === undefined) return;
  event.preventDefault();
  const tab = tabs[(next + tabs.length) % tabs.length];
  tab.focus();
  selectTab(tab);
}

async function showExport(flavor) {
  page.flavor = flavor;
  $("flavor-tinygrad").setAttribute("aria-pressed", String(flavor === "tinygrad_acts"));
  $("flavor-keras").setAttribute("aria-pressed", String(flavor === "keras"));
  try {
    const script = await callRun("GET", "/api/export?flavor=" + flavor);
    $("script").value = script;
    const link = $("download");
    URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(new Blob([script], {type: "text/x-python"}));
    link.download = flavor === "keras" ? "playground_keras.py" : "playground_tinygrad_acts.py";
  } catch (error) {
    showError(error);
  }
}

function connectControls() {
  $("play").addEventListener("click", () => { if (page.playing) pause(); else play(); });
  $("step").addEventListener("click", () => step(page.state.batches_per_epoch).catch((error) => showError(error)));
  $("reset").addEventListener("click", async () => {
    await pause();
    callRun("POST", "/api/reset", {view: page.display.view}).then(applyState, (error) => showError(error));
  });
  $("regenerate").addEventListener("click", () => changeConfig({data_seed: Math.floor(Math.random() * 1e9)}, "data_seed"));
  for (const [id, field] of [["learning-rate", "learning_rate"], ["regularization-rate", "regularization_rate"]]) {
    $(id).addEventListener("change", (e) => changeConfig({[field]: Number(e.target.value)}, field));
  }
  for (const [id, field] of [["activation", "activation"], ["regularization", "regularization"], ["dataset", "dataset"]]) {
    $(id).addEventListener("change", (e) => changeConfig({[field]: e.target.value}, field));
  }
  $("problem").addEventListener("change", (e) => changeConfig({problem: e.target.value,
                                                               dataset: page.state.options.problems[e.target.value][0]}, "problem"));
  for (const [id, field] of [["ratio", "ratio"], ["noise", "noise"], ["batch-size", "batch_size"]]) {
    $(id).addEventListener("input", (e) => { $(id + "-value").textContent = e.target.value; });
    $(id).addEventListener("change", (e) => changeConfig({[field]: Number(e.target.value)}, field));
  }
  $("add-layer").addEventListener("click", () => changeLayers(+1));
  $("remove-layer").addEventListener("click", () => changeLayers(-1));
  $("show-test").addEventListener("change", (e) => setDisplay("show_test_data", e.target.checked));
  $("discretize").addEventListener("change", (e) => setDisplay("discretize", e.target.checked));
  $("gradient-view").addEventListener("change", (e) => setDisplay("view", e.target.checked ? "gradient" : "output"));
  for (const tab of document.querySelectorAll("[role=tab]")) {
    tab.addEventListener("click", () => selectTab(tab));
    tab.addEventListener("keydown", moveTab);
  }
  $("backprop-next").addEventListener("click", () => moveBackprop(page.backprop.position + 1));
  $("backprop-previous").addEventListener("click", () => moveBackprop(page.backprop.position - 1));
  $("backprop-end").addEventListener("click", () => moveBackprop(Infinity));
  $("backprop-sample").addEventListener("change", loadBackprop);
  $("flavor-tinygrad").addEventListener("click", () => showExport("tinygrad_acts"));
  $("flavor-keras").addEventListener("click", () => showExport("keras"));
  $("network").addEventListener("mousemove", showWeight);
  $("network").addEventListener("mouseleave", () => { if ($("weight-tip").dataset.editing !== "true") $("weight-tip").hidden = true; });
  $("network").addEventListener("click", (e) => { if (!e.target.closest(".weight-tip")) editWeight(e); });
  $("reconnect").addEventListener("click", () => start(true));
  window.addEventListener("resize", () => page.state && drawLinks());
  window.addEventListener("hashchange", () => start(false));
  window.addEventListener("pagehide", closeRun);
  window.addEventListener("pageshow", (event) => { if (event.persisted) start(true); });  // back from the cache
}

async function start(again) {  // a run for this tab, from the link if there is one
  if (!again && page.config && linkHash() === location.hash) return;  // the run on show already
  const link = readLink();
  page.display = link.display;
  const config = again && page.config ? page.config : link.config;
  if (!again) closeRun();  // a new link in this tab: the run it showed is done with
  try {
    const refused = await openRun(config);
    notify(refused.length ? `This link's ${refused.join("; ")} was refused: left at its default.` : "");
  } catch (error) {
    if (error.status !== 0) notify(error.message);
  }
}

connectControls();
start(false);
