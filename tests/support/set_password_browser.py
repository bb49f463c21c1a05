"""Fills in a set-a-password page (accept an invitation, reset a password)
in a real Chromium over WebDriver, as a person on a phone would.

Run by the Rust integration tests (tests/api/pages.rs) against the
in-process service bound to a loopback port:

    set_password_browser.py --url URL --password P --shots PREFIX

Opens URL (the link from the email), takes a screenshot of the form, sends
it once with a confirmation that does not match (the error must appear next
to the field), then with the right one, and takes screenshots of the error
and of the page that follows. Prints what it saw as JSON on stdout.
"""

import argparse
import json
import shutil
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
        "--window-size=412,915",
    ]:
        options.add_argument(arg)
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if binary:
        options.binary_location = binary
    driver_path = shutil.which("chromedriver")
    if not driver_path:
        sys.exit("chromedriver is needed: apt-get install chromium-driver")
    # The Debian driver, never one fetched at run time.
    return webdriver.Chrome(service=Service(driver_path), options=options)


def described_by(driver, element_id):
    element = driver.find_element(By.ID, element_id)
    ids = (element.get_attribute("aria-describedby") or "").split()
    return element, [driver.find_element(By.ID, i).text for i in ids]


def fill(driver, password, confirmation):
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "password_confirmation").send_keys(confirmation)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--shots", required=True, help="path prefix of the screenshots")
    args = parser.parse_args()

    seen = {}
    driver = browser()
    try:
        wait = WebDriverWait(driver, 20)
        driver.get(args.url)
        wait.until(EC.presence_of_element_located((By.ID, "password")))
        seen["form_lang"] = driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
        seen["form_title"] = driver.find_element(By.TAG_NAME, "h1").text
        password = driver.find_element(By.ID, "password")
        seen["password_label"] = driver.find_element(By.CSS_SELECTOR, "label[for=password]").text
        seen["password_autocomplete"] = password.get_attribute("autocomplete")
        seen["confirmation_label"] = driver.find_element(By.CSS_SELECTOR, "label[for=password_confirmation]").text
        seen["languages"] = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "nav.languages a")]
        driver.save_screenshot(args.shots + "-form.png")

        fill(driver, args.password, args.password + "-typo")
        wait.until(EC.presence_of_element_located((By.ID, "password_confirmation-error")))
        confirmation, described = described_by(driver, "password_confirmation")
        seen["error_invalid"] = confirmation.get_attribute("aria-invalid")
        seen["error_described_by"] = described
        seen["error_summary"] = driver.find_element(By.CSS_SELECTOR, ".summary").text
        driver.save_screenshot(args.shots + "-error.png")

        fill(driver, args.password, args.password)
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "main.done")))
        seen["done_lang"] = driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
        seen["done_title"] = driver.find_element(By.TAG_NAME, "h1").text
        seen["done_text"] = driver.find_element(By.TAG_NAME, "main").text
        driver.save_screenshot(args.shots + "-done.png")
        seen["cookies"] = [c["name"] for c in driver.get_cookies()]
    finally:
        driver.quit()
    print(json.dumps(seen, ensure_ascii=False))


if __name__ == "__main__":
    main()
