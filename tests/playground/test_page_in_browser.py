"""The playground page as learners use it, in headless Debian chromium driven by Playwright: a run per tab, live
changes, another website refused, the collapse panel's words, errors in view, the layout at 1280 x 720 and on a
phone, focus and live regions, and an axe-core audit. Each test starts the server as a user does
(``python -m tinygrad_acts.playground --no-browser --port P``).

The browser, the server and the error check are tests/playground/conftest.py's.
"""
import os
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from helpers import Playground, run_state


@pytest.fixture
def context(browser, errors):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.on("page", lambda page: watch(page, errors))
    yield context
    context.close()
    assert not errors, errors


def watch(page, errors):
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)


def open_page(context, url, link=""):
    page = context.new_page()
    page.goto(url + link)
    page.wait_for_function("() => !document.getElementById('play').disabled")  # the tab's run is open
    return page


def epoch(page):
    return float(re.sub(r"[^0-9.]", "", page.locator("#epoch").text_content()))


def step_once(page, expected):
    page.get_by_role("button", name="Step").click()
    page.wait_for_function(f"() => document.getElementById('epoch').textContent === '{expected}'")


# ----------------------------------------------------------------------------------------------------------------
# A run per tab
# ----------------------------------------------------------------------------------------------------------------
def test_two_tabs_train_two_runs_at_once(context, url):
    first = open_page(context, url)
    second = open_page(context, url, "#dataset=xor&seed=5")
    first.get_by_role("button", name="Play").click()
    second.get_by_role("button", name="Play").click()
    first.wait_for_function("() => parseInt(document.getElementById('epoch').textContent.replace(/,/g, '')) >= 5")
    second.wait_for_function("() => parseInt(document.getElementById('epoch').textContent.replace(/,/g, '')) >= 5")
    first.get_by_role("button", name="Pause").click()
    second.get_by_role("button", name="Pause").click()
    first.get_by_role("button", name="Play").wait_for()
    second.get_by_role("button", name="Play").wait_for()
    one, other = run_state(first), run_state(second)
    assert one["config"]["dataset"] == "circle" and other["config"]["dataset"] == "xor"
    assert epoch(first) == one["epoch"] and epoch(second) == other["epoch"]  # each shows its own count
    assert first.evaluate("page.session") != second.evaluate("page.session")
    third = open_page(context, url)  # a page without a link: the defaults, not what another tab set
    assert run_state(third)["config"]["dataset"] == "circle" and epoch(third) == 0


def test_a_closed_run_is_opened_again_with_the_same_settings_and_said_so(context, url, errors):
    page = open_page(context, url, "#dataset=xor&hidden=3")
    step_once(page, "000,001")
    old = page.evaluate("page.session")
    page.evaluate("() => call('POST', '/api/close', {})")  # as the server does after 30 minutes idle
    page.get_by_role("button", name="Step").click()
    page.locator("#status").wait_for()
    assert "idle for over 30 minutes" in page.locator("#status").text_content()
    assert page.evaluate("page.session") != old and epoch(page) == 0
    assert run_state(page)["config"]["dataset"] == "xor" and run_state(page)["config"]["hidden"] == [3]
    assert len(errors) == 1 and "410" in errors[0]  # the browser's note of the refused request
    errors.clear()


def updates_per_second(page, seconds=3.0):
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("() => page.state.epoch >= 1")
    start, began = page.evaluate("page.state.epoch"), time.monotonic()
    time.sleep(seconds)
    rate = (page.evaluate("page.state.epoch") - start) / (time.monotonic() - began)
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").wait_for()
    return rate


def test_updates_per_second_while_playing(context, url):
    """The issue asks for 10 updates (epochs drawn) a second or more. Asserted under CI, on a machine of its own,
    for the default network (40 a second here, on 2 shared cores: the margin); the largest network (6 hidden
    layers of 8, all seven features) is reported."""
    default = updates_per_second(open_page(context, url))
    largest = updates_per_second(open_page(context, url, "#hidden=8,8,8,8,8,8&"
                                                         "features=x1,x2,x1%5E2,x2%5E2,x1*x2,sin(x1),sin(x2)"))
    print(f"updates a second: {default:.1f} for the default network, {largest:.1f} for 6 layers of 8, all features")
    if os.environ.get("CI"):
        assert default >= 10


def test_the_layers_histograms_move_while_it_trains(context, url):
    page = open_page(context, url)
    legend = page.locator("#histogram-legend")
    assert legend.text_content().startswith("Hidden 1: mean")
    before = page.evaluate("$('histograms').toDataURL()")
    step_once(page, "000,001")
    page.wait_for_function(f"() => $('histograms').toDataURL() !== {before!r}")
    assert page.evaluate("page.state.stats.length") == 3 and "Output: mean" in legend.text_content()


def test_changing_the_learning_rate_mid_run_keeps_the_epoch_and_the_weights(context, url):
    page = open_page(context, url)
    step_once(page, "000,001")
    step_once(page, "000,002")
    before = run_state(page)
    page.get_by_label("Learning rate").select_option("0.3")
    page.wait_for_function("() => location.hash.includes('learning_rate=0.3')")
    after = run_state(page)
    assert after["config"]["learning_rate"] == 0.3
    assert after["epoch"] == 2 and epoch(page) == 2 and after["weights"] == before["weights"]
    step_once(page, "000,003")  # it trains on from there
    page.get_by_label("Dataset").select_option("xor")  # a new run, as the page says
    page.wait_for_function("() => document.getElementById('epoch').textContent === '000,000'")
    assert "any other change starts a new run" in " ".join(page.locator(".data").text_content().split())


# ----------------------------------------------------------------------------------------------------------------
# Another website
# ----------------------------------------------------------------------------------------------------------------
ATTACK = """<!doctype html><title>another site</title><script>
fetch("%s", {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"},
             body: JSON.stringify({dataset: "xor", learning_rate: 10})}).then(() => { document.title = "sent"; });
</script>"""


def test_a_no_cors_post_from_a_page_on_another_port_is_refused_and_changes_nothing(context, url, errors):
    victim = open_page(context, url)
    step_once(victim, "000,001")
    before = run_state(victim)

    class Attacker(BaseHTTPRequestHandler):
        def do_GET(self):
            body = (ATTACK % (url + "api/config")).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    attacker = ThreadingHTTPServer(("127.0.0.1", 0), Attacker)
    threading.Thread(target=attacker.serve_forever, daemon=True).start()
    try:
        page = context.new_page()
        with page.expect_response(url + "api/config") as refused:
            page.goto(f"http://127.0.0.1:{attacker.server_address[1]}/")
        page.wait_for_function("() => document.title === 'sent'")
        answer = refused.value  # opaque to the other site; Playwright sees it (the why: test_server_http.py)
        assert answer.status == 403 and answer.request.all_headers()["content-type"] == "text/plain"
        assert errors == ["Failed to load resource: the server responded with a status of 403 (Forbidden)"]
        errors.clear()
    finally:
        attacker.shutdown()
        attacker.server_close()
    after = run_state(victim)
    assert after["config"] == before["config"] and after["epoch"] == before["epoch"] == 1


# ----------------------------------------------------------------------------------------------------------------
# The collapse panel
# ----------------------------------------------------------------------------------------------------------------
def test_a_linear_network_of_squares_is_said_to_draw_a_conic(context, url):
    page = open_page(context, url, "#activation=linear&features=x1,x2,x1%5E2,x2%5E2")
    page.get_by_role("tab", name="Collapse").click()
    panel = page.locator("#collapse")
    panel.wait_for()
    text = panel.text_content()
    assert "conic section" in text and "A line through the plane" not in text
    assert "All 3 layers are linear" in text and "z = " in text and "·x1²" in text
    page.get_by_role("button", name="Remove hidden layer").click()
    page.get_by_role("button", name="Remove hidden layer").click()
    page.get_by_text("0 hidden layers").wait_for()
    assert "The network is one Dense layer" in panel.text_content() and "1 layers" not in panel.text_content()


# ----------------------------------------------------------------------------------------------------------------
# Errors in view
# ----------------------------------------------------------------------------------------------------------------
def test_a_refused_change_is_shown_beside_its_control(context, url, errors):
    page = open_page(context, url)
    page.get_by_label("Learning rate").evaluate("select => select.append(new Option('-1', '-1'))")
    page.get_by_label("Learning rate").select_option("-1")
    note = page.locator("#error-learning-rate")
    note.wait_for()
    assert "learning_rate: expected a number in (0, inf]" in note.text_content()
    field = page.locator(".field", has=page.get_by_label("Learning rate"))
    assert field.locator(".field-error").count() == 1  # in the control's own box, under the bar
    box = note.bounding_box()
    assert box["y"] + box["height"] <= 720  # in view
    assert page.get_by_label("Learning rate").input_value() == "0.03"  # the control shows the run as it is
    assert [e for e in errors if "400" in e] and len(errors) == 1
    errors.clear()


def test_a_bad_link_says_what_it_refused(context, url, errors):
    page = open_page(context, url, "#noise=99&activation=nope&hidden=2,2")
    status = page.locator("#status")
    status.wait_for()
    text = status.text_content()
    assert "noise=99" in text and "activation=nope" in text and "left at its default" in text
    assert status.bounding_box()["y"] < 200  # at the top, in view
    state = run_state(page)
    assert state["config"]["noise"] == 0 and state["config"]["activation"] == "tanh"
    assert state["config"]["hidden"] == [2, 2]  # what was fine is kept
    assert len(errors) == 2 and all("400" in e for e in errors)
    errors.clear()


def test_a_stopped_server_is_shown_with_how_to_restart_it(browser):
    server = Playground()
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = open_page(context, server.url)
        step_once(page, "000,001")
        server.stop()
        page.get_by_role("button", name="Step").click()
        banner = page.locator("#stopped")
        banner.wait_for()
        assert "python -m tinygrad_acts.playground" in banner.text_content()
        assert banner.bounding_box()["y"] < 200
        page.wait_for_function("() => document.getElementById('announce').textContent.includes('server stopped')")
    finally:
        context.close()


def test_a_diverged_run_shows_the_loss_it_has(context, url):
    page = open_page(context, url, "#problem=regression&dataset=plane&activation=relu&hidden=8,8,8&"
                                   "learning_rate=10&features=x1,x2,x1%5E2,x2%5E2,x1*x2")
    page.get_by_role("button", name="Play").click()
    banner = page.locator("#diverged")
    banner.wait_for()
    shown = page.locator("#train-loss").text_content()
    assert f"where the training loss is {shown}." in banner.text_content()  # the number beside it, as written
    if shown not in ("inf", "nan"):
        assert "not a number" not in banner.text_content()


# ----------------------------------------------------------------------------------------------------------------
# Backprop, step by step
# ----------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_stepping_backprop_to_the_end_shows_the_gradients_backward_gives(context, url, activation):
    import numpy as np

    import tinygrad_acts as ta
    from tinygrad_acts.playground.session import Session

    page = open_page(context, url, f"#hidden=3,2&activation={activation}")
    page.get_by_role("tab", name="Backprop").click()
    page.get_by_role("spinbutton", name="Training point").fill("4")
    page.get_by_role("spinbutton", name="Training point").dispatch_event("change")
    page.wait_for_function("() => page.backprop && page.backprop.sample === 4")
    steps = page.evaluate("page.backprop.steps.length")
    for number in range(1, steps + 1):
        page.get_by_role("button", name="Next step").click()
        assert page.locator("#backprop-position").text_content() == f"step {number} of {steps}"
        assert "Gradient arriving, g =" in page.locator("#backprop-step").text_content()
    assert page.get_by_role("button", name="Next step").evaluate("b => b === document.activeElement")
    assert "Rule of matmul:" in page.locator("#backprop-step").text_content()  # the last step: the first layer
    page.get_by_role("button", name="Next step").click()
    assert "as backward() gives them" in page.locator("#backprop-step").text_content()
    shown = {row.get_attribute("data-weight"): row.locator("td").nth(1).text_content()
             for row in page.locator("#backprop-step tr").all()}
    session = Session({"hidden": [3, 2], "activation": activation})  # the same link: the same weights
    x = ta.Tensor(session.x_train[4:5])
    for layer in session.model.layers:
        x = layer(x)
    session.model.loss(ta.Tensor(session.y_train[4:5]), x).backward()
    assert set(shown) == {weight.path for weight in session.model.weights}
    for weight in session.model.weights:
        page_numbers = [float(v.replace("−", "-")) for v in re.findall(r"[−\d.e+-]+", shown[weight.path])]
        np.testing.assert_allclose(page_numbers, weight.grad.ravel(), rtol=1e-3, atol=1e-7)
        exact = np.array(page.evaluate(f"page.backprop.gradients[{weight.path!r}]"), np.float32)
        np.testing.assert_array_equal(exact, weight.grad)


def test_backprop_explains_when_the_network_is_too_big(context, url):
    page = open_page(context, url)
    page.get_by_role("tab", name="Backprop").click()
    page.wait_for_function("() => document.getElementById('backprop-step').textContent.includes('up to 3')")
    assert page.get_by_role("button", name="Next step").is_disabled()


# ----------------------------------------------------------------------------------------------------------------
# Layout
# ----------------------------------------------------------------------------------------------------------------
def test_at_1280_by_720_every_panel_is_in_reach_without_scrolling_sideways(context, url, tmp_path):
    page = open_page(context, url)
    step_once(page, "000,001")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    for name in ("Gradients", "Collapse", "Export", "Backprop"):
        page.get_by_role("tab", name=name).click()
        panel = page.get_by_role("tabpanel", name=name)
        box = panel.bounding_box()
        assert box["y"] < 720 - 60, (name, box)  # the panel starts in view, without scrolling
    for selector in ("#heatmap", "#network", "#dataset", "#batch-size", "#regenerate", "#learning-rate", "#problem",
                     "#show-test", "#gradient-view"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1280 and box["y"] + box["height"] <= 720, selector
    page.screenshot(path=tmp_path / "playground_1280x720.png")


def test_on_a_phone_the_page_is_one_column_390_wide(browser, url, tmp_path, errors):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    try:
        page = open_page(context, url)
        watch(page, errors)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        boxes = [page.locator(s).bounding_box() for s in (".data", ".network", ".output")]
        assert all(box["x"] + box["width"] <= 390 for box in boxes)
        assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]  # stacked, one column
        page.screenshot(path=tmp_path / "playground_390.png", full_page=True)
    finally:
        context.close()
    assert not errors, errors


def test_hovering_a_weight_shows_it_and_a_click_changes_it(context, url):
    page = open_page(context, url)
    link = page.evaluate("""() => {
        const l = page.links[0], p = l.points[12], box = $('network').getBoundingClientRect();
        return {x: box.left + p[0], y: box.top + p[1], weight: l.weight}; }""")
    page.mouse.move(link["x"], link["y"])
    tip = page.locator("#weight-tip")
    tip.wait_for()
    assert "Weight from feature x1 to neuron 1 of layer 1" in tip.text_content()
    assert f"{link['weight']:.3f}" in tip.text_content()
    page.mouse.click(link["x"], link["y"])
    field = tip.get_by_role("spinbutton")
    field.fill("2.5")
    field.press("Enter")
    page.wait_for_function("() => page.state.weights[0][0][0] === 2.5")
    assert run_state(page)["weights"][0][0][0] == 2.5
    bias = page.get_by_role("button", name="Neuron 1 of layer 1").locator(".bias").bounding_box()
    page.mouse.move(bias["x"] + bias["width"] / 2, bias["y"] + bias["height"] / 2)
    page.wait_for_function("() => document.getElementById('weight-tip').textContent.startsWith('Bias of neuron 1')")


# ----------------------------------------------------------------------------------------------------------------
# Accessibility
# ----------------------------------------------------------------------------------------------------------------
def test_focus_stays_on_the_control_that_was_used(context, url):
    page = open_page(context, url)
    button = page.get_by_role("button", name="Add neuron to layer 1")
    button.focus()
    page.keyboard.press("Enter")
    page.get_by_text("5 neurons").wait_for()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Add neuron to layer 1"
    page.get_by_role("button", name="Feature x1²").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.hash.includes('x1%5E2')")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Feature x1²"
    page.get_by_label("Activation").focus()
    page.keyboard.press("ArrowDown")  # a keyboard change of a select
    page.wait_for_function("() => !location.hash.includes('activation=tanh')")
    assert page.evaluate("document.activeElement.id") == "activation"


def test_live_regions_speak_only_of_events_at_most_once_a_second(context, url):
    page = open_page(context, url)
    live = "[aria-live], output, [role=status], [role=alert], [role=log], [role=marquee], [role=timer]"
    regions = page.evaluate(f"() => [...document.querySelectorAll('{live}')].map((e) => e.id)")
    assert regions == ["announce"] and page.locator("#announce").get_attribute("aria-live") == "polite"
    page.evaluate("""() => { window.spoken = [];
        new MutationObserver(() => window.spoken.push([Date.now(), $('announce').textContent]))
            .observe($('announce'), {childList: true, characterData: true, subtree: true}); }""")
    page.get_by_role("button", name="Play").click()
    time.sleep(2.5)
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").wait_for()
    page.wait_for_function("() => window.spoken.some(([, text]) => text.startsWith('Paused'))")
    spoken = page.evaluate("window.spoken")
    assert [text for _, text in spoken] == ["Training", spoken[-1][1]] and spoken[-1][1].startswith("Paused at epoch")
    assert all(later - earlier >= 990 for (earlier, _), (later, _) in zip(spoken, spoken[1:], strict=False))


def test_the_axe_audit_finds_no_serious_or_critical_violation(context, url):
    from axe_playwright_python.sync_playwright import Axe
    page = open_page(context, url, "#hidden=3,2")
    step_once(page, "000,001")
    found = []
    for tab in ("Gradients", "Collapse", "Export", "Backprop"):
        page.get_by_role("tab", name=tab).click()
        if tab == "Backprop":
            page.get_by_role("button", name="Next step").click()
        if tab == "Export":
            page.wait_for_function("() => document.getElementById('script').value.includes('import')")
        results = Axe().run(page)
        found += [(tab, v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                  for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not found, found
