"""Opens a report page (a cohort's, or the overview) in a real Chromium over
WebDriver, authenticated with a bearer token as an admin console would
fetch it, and reports what was rendered.

Run by the Rust integration tests (tests/api/report_pages.rs) against the
in-process service bound to a loopback port:

    report_page_browser.py --url URL --token T --shot FILE.png --text TEXT...

The token goes in an `Authorization` header on every request of the tab
(Chrome DevTools `Network.setExtraHTTPHeaders`); the page itself runs no
script. Prints JSON on stdout: the document language, the title, each
chart's rendered size, whether the stylesheet applied under the page's
Content-Security-Policy, any console messages (CSP violations show there),
and for each TEXT (an exact text of an element, such as a heading or an
SVG label) the fonts Chromium actually drew it with
(`CSS.getPlatformFontsForNode`) and, per font, whether fontconfig says it
has a glyph for every character of the text (no tofu).
"""

import argparse
import functools
import json
import shutil
import subprocess
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def browser():
    options = webdriver.ChromeOptions()
    for arg in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,1800",
    ]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if binary:
        options.binary_location = binary
    driver_path = shutil.which("chromedriver")
    if not driver_path:
        sys.exit("chromedriver is needed: apt-get install chromium-driver")
    return webdriver.Chrome(service=Service(driver_path), options=options)


@functools.lru_cache(maxsize=None)
def families_with(char):
    """Font families fontconfig knows that have a glyph for `char`."""
    pattern = ":charset=%x" % ord(char)
    out = subprocess.run(["fc-list", pattern, "family"], capture_output=True, text=True, check=True).stdout
    names = set()
    for line in out.splitlines():
        for name in line.split(","):
            names.add(name.strip())
    return names


def covers(family, text):
    """Whether `family` has a glyph for every non-space character of `text`."""
    return all(family in families_with(c) for c in set(text) if not c.isspace())


def fonts_of(driver, text):
    """The platform fonts Chromium used for the element whose text is `text`."""
    driver.execute_cdp_cmd("DOM.enable", {})
    driver.execute_cdp_cmd("CSS.enable", {})
    root = driver.execute_cdp_cmd("DOM.getDocument", {"depth": -1, "pierce": True})["root"]["nodeId"]
    search = driver.execute_cdp_cmd("DOM.performSearch", {"query": "//*[normalize-space(text())=%s]" % xpath_literal(text)})
    found = []
    if search["resultCount"]:
        ids = driver.execute_cdp_cmd(
            "DOM.getSearchResults", {"searchId": search["searchId"], "fromIndex": 0, "toIndex": search["resultCount"]}
        )["nodeIds"]
        for node in ids:
            desc = driver.execute_cdp_cmd("DOM.describeNode", {"nodeId": node})["node"]
            if desc["localName"] in ("title", "desc"):
                continue  # an SVG chart's accessible name: never drawn
            fonts = driver.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            found.append(
                {
                    "tag": desc["localName"],
                    "fonts": [
                        {"family": f["familyName"], "glyphs": f["glyphCount"], "covers": covers(f["familyName"], text)}
                        for f in fonts
                    ],
                }
            )
    del root
    return found


def xpath_literal(text):
    if '"' not in text:
        return '"%s"' % text
    return "concat(%s)" % ", '\"', ".join('"%s"' % part for part in text.split('"'))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--shot", required=True, help="the screenshot's file")
    parser.add_argument("--text", action="append", default=[], help="an element text whose fonts to report")
    args = parser.parse_args()

    seen = {}
    driver = browser()
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {"Authorization": "Bearer " + args.token}})
        driver.get(args.url)
        WebDriverWait(driver, 20).until(EC.presence_of_element_located((By.TAG_NAME, "h1")))
        seen["lang"] = driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
        seen["title"] = driver.title
        seen["h1"] = driver.find_element(By.TAG_NAME, "h1").text
        seen["charts"] = [
            {"width": c.size["width"], "height": c.size["height"], "label": c.get_attribute("aria-labelledby")}
            for c in driver.find_elements(By.CSS_SELECTOR, "svg.chart")
        ]
        seen["chart_texts"] = len(driver.find_elements(By.CSS_SELECTOR, "svg.chart text"))
        # The stylesheet applied (its hash is in the CSP): the sheet is 72rem wide at most.
        seen["sheet_max_width"] = driver.find_element(By.TAG_NAME, "main").value_of_css_property("max-width")
        seen["tables"] = len(driver.find_elements(By.CSS_SELECTOR, "table"))
        seen["fonts"] = {text: fonts_of(driver, text) for text in args.text}
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1280, min(max(height, 800), 8000))
        driver.save_screenshot(args.shot)
        seen["console"] = [entry["message"] for entry in driver.get_log("browser")]
    finally:
        driver.quit()
    print(json.dumps(seen, ensure_ascii=False))


if __name__ == "__main__":
    main()
