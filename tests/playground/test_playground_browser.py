"""The playground in a real browser: headless Debian chromium, driven by Playwright, against the server started as
a user starts it (``python -m tinygrad_acts.playground --no-browser --port P``).

The browser, the server and the error check are tests/playground/conftest.py's.
"""
import re

import pytest
from helpers import run_state


@pytest.fixture
def page(browser, url, errors):
    """A fresh page: each page load opens its own run."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield page
    context.close()
    assert not errors, errors


def number(page, selector):
    return float(re.sub(r"[^0-9.]", "", page.locator(selector).text_content()) or "nan")


def play_until(page, condition, timeout=60_000):
    """Press Play, wait until the JavaScript ``condition`` (given epoch and test accuracy in %) holds, pause."""
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(f"""() => {{
        const epoch = Number(document.getElementById('epoch').textContent.replace(/[^0-9.]/g, ''));
        const accuracy = parseFloat(document.getElementById('test-accuracy').textContent.replace(/[^0-9.]/g, ''));
        return {condition};
    }}""", timeout=timeout)
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").wait_for()


def test_play_on_the_circle_with_tanh_reaches_95_percent_within_300_epochs(page, url, tmp_path):
    page.goto(url)
    page.get_by_role("button", name="Step").click()
    page.wait_for_function("() => document.getElementById('epoch').textContent === '000,001'")
    first_loss = number(page, "#train-loss")
    assert page.get_by_label("Activation").input_value() == "tanh"
    assert page.get_by_label("Dataset").input_value() == "circle"
    play_until(page, "accuracy >= 95 || epoch >= 300")
    epoch, accuracy = number(page, "#epoch"), number(page, "#test-accuracy")
    assert accuracy >= 95 and epoch <= 300, (epoch, accuracy)
    assert number(page, "#train-loss") < first_loss / 2
    assert "#" in page.url and "activation=tanh" in page.url
    page.screenshot(path=tmp_path / "circle_tanh.png", full_page=True)


def test_linear_activations_stay_below_70_percent_and_collapse(page, url, tmp_path):
    page.goto(url + "#activation=linear&hidden=4,2")
    page.wait_for_function("() => location.hash.includes('activation=linear') && "
                           "document.getElementById('collapse').textContent.includes('z =')")
    play_until(page, "epoch >= 300")
    assert number(page, "#test-accuracy") <= 70
    panel = page.locator("#collapse").text_content()
    assert "equal one Dense layer" in panel
    assert re.search(r"z = −?\d\.\d{3}·x1 [+−] \d\.\d{3}·x2 [+−] \d\.\d{3}", panel), panel
    difference = float(re.search(r"over the grid ([0-9.e+-]+)", panel).group(1))
    assert difference < 1e-4
    page.screenshot(path=tmp_path / "circle_linear.png", full_page=True)


def test_changing_activation_and_layers(page, url):
    page.goto(url)
    page.get_by_label("Activation").select_option("relu")
    page.wait_for_function("() => location.hash.includes('activation=relu')")
    assert "'relu'" in page.locator("#collapse").text_content()
    assert page.locator(".node[data-layer]").count() == 4 + 2 + 1
    page.get_by_role("button", name="Add hidden layer").click()
    page.get_by_text("3 hidden layers").wait_for()
    assert page.locator(".node[data-layer]").count() == 4 + 2 + 2 + 1
    page.get_by_role("button", name="Add neuron to layer 1").click()
    page.get_by_text("5 neurons").wait_for()
    page.get_by_role("button", name="Remove hidden layer").click()
    page.get_by_text("2 hidden layers").wait_for()
    state = run_state(page)
    assert state["config"]["hidden"] == [5, 2] and state["config"]["activation"] == "relu"
    page.get_by_label("Noise").fill("20")
    page.get_by_label("Noise").dispatch_event("change")
    page.wait_for_function("() => location.hash.includes('noise=20')")
    page.get_by_label("Problem type").select_option("regression")
    page.wait_for_function("() => location.hash.includes('dataset=plane')")
    assert page.get_by_label("Dataset").input_value() == "plane"
    assert page.locator("#test-accuracy").text_content() == ""


def test_a_link_reproduces_its_configuration(page, url):
    link = ("#dataset=xor&hidden=3,3&features=x1,x2,x1*x2&learning_rate=0.1&batch_size=5&seed=7&"
            "regularization=l2&regularization_rate=0.001&discretize=true")
    page.goto(url + link)
    # the hash is there at once (the link put it there): wait for the first state, which fills the controls and
    # then enables Step
    page.wait_for_function("() => location.hash.includes('dataset=xor') && !document.getElementById('step').disabled")
    assert page.get_by_label("Dataset").input_value() == "xor"
    assert page.get_by_label("Learning rate").input_value() == "0.1"
    assert page.get_by_label("Batch size").input_value() == "5"
    assert page.get_by_label("Regularization", exact=True).input_value() == "l2"
    assert page.get_by_label("Regularization rate").input_value() == "0.001"
    assert page.get_by_label("Discretize output").is_checked()
    assert page.locator(".node[data-layer]").count() == 3 + 3 + 1
    config = run_state(page)["config"]
    assert config["features"] == ["x1", "x2", "x1*x2"] and config["seed"] == 7 and config["batch_size"] == 5
    page.get_by_role("button", name="Step").click()
    page.wait_for_function("() => document.getElementById('epoch').textContent === '000,001'")
    loss = page.locator("#train-loss").text_content()
    # the same link in another tab is the same run: the same loss after one epoch
    other = page.context.new_page()
    other.goto(url + link)
    other.wait_for_function("() => !document.getElementById('step').disabled")
    other.get_by_role("button", name="Step").click()
    other.wait_for_function("() => document.getElementById('epoch').textContent === '000,001'")
    assert other.locator("#train-loss").text_content() == loss


def test_a_bad_link_is_refused_by_the_server_and_said_so(page, url, errors):
    page.goto(url + "#noise=99")
    page.wait_for_function("() => document.getElementById('status').textContent.includes('noise')")
    assert "noise: expected a number in [0, 50]" in page.locator("#status").text_content()
    assert run_state(page)["config"]["noise"] == 0
    assert len(errors) == 1 and "400" in errors[0]  # the browser's own note of the refused request
    errors.clear()


def test_step_reset_gradients_and_export(page, url):
    page.goto(url)
    page.get_by_role("button", name="Step").click()
    page.get_by_role("button", name="Step").click()
    page.wait_for_function("() => document.getElementById('epoch').textContent === '000,002'")
    page.get_by_label("Show gradients").check()
    page.wait_for_function("() => location.hash.includes('view=gradient')")
    page.get_by_role("button", name="Neuron 1 of layer 2").hover()
    assert "∂output/∂neuron" in page.locator("#showing").text_content()
    page.get_by_role("button", name="Reset").click()
    page.wait_for_function("() => document.getElementById('epoch').textContent === '000,000'")
    page.get_by_role("tab", name="Export").click()
    script = page.get_by_label("Exported script")
    page.wait_for_function("() => document.getElementById('script').value.includes('import tinygrad_acts as keras')")
    page.get_by_role("button", name="import keras").click()
    page.wait_for_function("() => /\\nimport keras\\n/.test(document.getElementById('script').value)")
    assert "keras.Sequential" in script.input_value()
    stats = page.locator("#stats tbody tr")
    assert stats.count() == 3 and "Hidden 1 (tanh)" in stats.first.text_content()


def test_a_diverging_run_is_shown_and_reset(page, url):
    page.goto(url + "#problem=regression&dataset=plane&activation=relu&hidden=8,8,8&learning_rate=10&"
                    "features=" + ",".join(["x1", "x2", "x1^2", "x2^2", "x1*x2"]))
    page.wait_for_function("() => location.hash.includes('learning_rate=10')")
    page.get_by_role("button", name="Play").click()
    page.locator("#diverged").wait_for()
    assert "diverged" in page.locator("#diverged").text_content()
    page.get_by_role("button", name="Play").wait_for()  # it stopped by itself
    page.get_by_role("button", name="Reset").click()
    page.locator("#diverged").wait_for(state="hidden")
    assert run_state(page)["diverged"] is False
