"""The review report in a real browser: Debian's headless Chromium (installed by `make
browser`, never downloaded) driven with selenium through /usr/bin/chromedriver.

The pipeline runs on three corpus pages (one with crossing mentions, one with a regimen
around its drugs), a copy of one of them and an empty file; the report is built with
the corpus gold; the test opens index.html from a file:// URL, searches, follows a link
to an article, counts the highlighted entities against the record and clicks every
relation to see its evidence highlighted. Screenshots go to out/report-screenshots/.
A missing browser fails the test: it is part of what `make test` checks.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from pipeline.report import build_report
from pipeline.runner import run_all

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SCREENSHOTS = ROOT / "out" / "report-screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1280,1000")
PAGES = ("b2txt_huaxin_03.txt", "html_09.html", "txt_medfrontier_03.txt")
#: the article the test opens: crossing mentions ("Toripalimab plus gemcitabine" / "gemcitabine-cisplatin")
ARTICLE = "b2txt_huaxin_03"


@pytest.fixture(scope="module")
def small_run(tmp_path_factory) -> Path:
    dump = tmp_path_factory.mktemp("report-dump")
    for name in PAGES:
        shutil.copy(CORPUS / "dump" / name, dump / name)
    shutil.copy(CORPUS / "dump" / PAGES[1], dump / "copy_of_html_09.html")   # a duplicate
    (dump / "empty.txt").write_text("")                                       # a reject
    out = tmp_path_factory.mktemp("report-run")
    run_all([dump], out)
    build_report(out, CORPUS / "gold", jobs=1)
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    assert CHROMIUM.exists() and CHROMEDRIVER.exists(), \
        "Chromium and chromedriver are missing: `make browser` installs Debian's chromium and chromium-driver"
    from selenium import webdriver

    os.environ.setdefault("SE_OFFLINE", "true")  # selenium must not look for a driver on the network
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def record_of(out: Path, source_id: str) -> dict:
    for line in (out / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["source"]["id"] == source_id:
            return record
    raise AssertionError(f"no record of {source_id}")


def screenshot(driver, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    driver.save_screenshot(str(path))
    return path


def test_dashboard_lists_and_searches_the_articles(small_run: Path, browser):
    from selenium.webdriver.common.by import By

    browser.get((small_run / "report" / "index.html").as_uri())
    assert browser.title == "Run report"
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.chart")) >= 8
    cards = browser.find_element(By.CSS_SELECTOR, ".cards").text
    assert "3\nrecords" in cards and "1\nrejects" in cards and "1\nduplicates" in cards
    rows = browser.find_elements(By.CSS_SELECTOR, "#article-list tbody tr")
    assert len(rows) == 3
    title = record_of(small_run, ARTICLE)["title"]
    browser.find_element(By.ID, "search").send_keys("toripalimab")
    rows = browser.find_elements(By.CSS_SELECTOR, "#article-list tbody tr")
    assert len(rows) == 1 and title[:40] in rows[0].text
    browser.find_element(By.ID, "search").clear()
    browser.execute_script("document.getElementById('search').dispatchEvent(new Event('input'))")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#article-list tbody tr")) == 3
    browser.execute_script("window.scrollTo(0, 0)")
    assert screenshot(browser, "dashboard.png").stat().st_size > 10_000


def test_article_page_highlights_every_entity_and_each_relations_evidence(small_run: Path, browser):
    from selenium.webdriver.common.by import By

    record = record_of(small_run, ARTICLE)
    browser.get((small_run / "report" / "index.html").as_uri())
    browser.find_element(By.ID, "search").send_keys("toripalimab")
    browser.find_element(By.CSS_SELECTOR, "#article-list a.article-link").click()
    assert browser.current_url.endswith(f"articles/{record['doc_id']}.html")

    marks = browser.find_elements(By.CSS_SELECTOR, ".article-text mark.ent")
    assert len(marks) == len(record["entities"])
    assert len(browser.find_elements(By.CSS_SELECTOR, ".article-text mark.ent mark.ent")) >= 1  # nested mentions
    negated = [e for e in record["entities"] if e["negated"]]
    assert len(browser.find_elements(By.CSS_SELECTOR, ".article-text mark.ent.negated")) == len(negated)
    shown = browser.execute_script("return document.querySelector('.article-text').textContent")
    assert shown == record["text"]
    for entity in record["entities"][:25]:
        mark = browser.find_element(By.ID, f"ent-{entity['id']}")
        assert entity["label"] in mark.get_attribute("class")

    relations = browser.find_elements(By.CSS_SELECTOR, "button.rel")
    assert len(relations) == len(record["relations"]) > 0
    for button, relation in zip(relations, record["relations"]):
        button.click()
        assert "active" in button.get_attribute("class")
        highlighted = browser.execute_script(
            "return Array.from(document.querySelectorAll('.article-text .ev.evidence-on'))"
            ".map(function (e) { return e.textContent; }).join('')")
        evidence = relation["evidence"]
        assert highlighted == record["text"][evidence["start"]:evidence["end"]]
    relations[0].click()
    browser.execute_script("window.scrollTo(0, 0)")
    assert screenshot(browser, "article.png").stat().st_size > 10_000
