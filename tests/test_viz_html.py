import re
import shutil
import tempfile

import pytest
from viz_fixtures import two_layer

from tinygrad_edu import viz

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    loss, params, _ = two_layer()
    path = tmp_path_factory.mktemp("html") / "steps.html"
    viz.save_html(loss, path, params=params)
    return path, viz.backward_steps(loss)


def test_page_is_self_contained(page):
    path, _ = page
    text = path.read_text(encoding="utf-8")
    for external in ("http://", "https://", "src=", "href=", "@import", "url(", "//cdn"):
        assert external not in text, external
    assert "<script>" in text and "<style>" in text and "<svg" in text


def test_one_frame_per_backward_step(page):
    path, steps = page
    text = path.read_text(encoding="utf-8")
    frames = re.findall(r'<section class="frame" data-step="(\d+)"', text)
    assert [int(i) for i in frames] == list(range(len(steps)))
    assert text.count("<svg") == len(steps)
    # each frame names its op and local derivative, and highlights the current op node
    for step in steps:
        assert f"Step {step.index + 1} of {len(steps)}:" in text
    assert text.count('class="node current"') == len(steps)
    assert "∂ = G·σ(1 − σ)" in text


def _browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.skip("chromium and chromedriver are needed for the browser test")
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    profile = tempfile.mkdtemp(prefix="tg-edu-chromium-")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", f"--user-data-dir={profile}", "--window-size=1200,900"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(driver), options=options), profile


@pytest.mark.browser
def test_clicking_through_the_steps_in_a_real_browser(page):
    path, steps = page
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    browser, profile = _browser()
    try:
        browser.get(path.resolve().as_uri())

        def visible():
            shown = [f for f in browser.find_elements(By.CSS_SELECTOR, ".frame") if f.is_displayed()]
            assert len(shown) == 1
            return shown[0].find_element(By.CSS_SELECTOR, "h2").text

        def position():
            return browser.find_element(By.ID, "position").text

        assert visible().startswith(f"Step 1 of {len(steps)}") and steps[0].op in visible()
        assert browser.find_element(By.ID, "prev").get_attribute("disabled") is not None
        nxt, prev = browser.find_element(By.ID, "next"), browser.find_element(By.ID, "prev")
        for _ in range(3):
            nxt.click()
        assert visible() == f"Step 4 of {len(steps)}: {steps[3].op}" and position() == f"step 4 / {len(steps)}"
        prev.click()
        assert visible() == f"Step 3 of {len(steps)}: {steps[2].op}"
        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
        assert visible() == f"Step 5 of {len(steps)}: {steps[4].op}"
        assert browser.find_element(By.ID, "slider").get_attribute("value") == "4"
        for _ in range(len(steps) + 2):  # clamps at the last step
            browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
        assert visible().startswith(f"Step {len(steps)} of {len(steps)}")
        assert browser.find_element(By.ID, "next").get_attribute("disabled") is not None
        # page.html#fit&step=3 opens fitted to the window at step 3
        browser.get("about:blank")
        browser.get(path.resolve().as_uri() + "#fit&step=3")
        assert visible() == f"Step 3 of {len(steps)}: {steps[2].op}"
        assert "fit" in browser.find_element(By.TAG_NAME, "body").get_attribute("class")
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_too_many_steps_is_refused_clearly(tmp_path):
    from viz_fixtures import chain
    loss, _ = chain(30)
    n = len(viz.backward_steps(loss))
    assert n == 61  # 30 × (mul, sigmoid) + sum
    with pytest.raises(ValueError, match=f"{n} steps, more than max_steps=20"):
        viz.save_html(loss, tmp_path / "x.html", max_steps=20)
    assert not (tmp_path / "x.html").exists()
