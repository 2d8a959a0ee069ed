"""The pages in a real browser (Chromium via selenium, against `rrall-tx serve`): they load without console
errors or outside requests, the type-ahead filter narrows the list as $expand?filter= does, links lead where they
say, the display language switch changes a display, the keyboard reaches the content. Screenshots of each page
go to RRALL_SCREENSHOT_DIR (docs/screenshots when taken for the docs)."""
from __future__ import annotations

import json
import urllib.request


def _column(driver, n: int) -> list[str]:
    """The text of column n of the expansion table, read in one script call (the type-ahead may redraw the rows
    at any time: element handles could go stale between two reads)."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#expansion-rows tr td:nth-child(' + arguments[0] + ')'))"
        ".map(function (td) { return td.firstChild ? td.firstChild.textContent : ''; });", n)


def _rows(driver) -> list[str]:
    """The displays in the expansion table, in order."""
    return _column(driver, 1)


def _codes(driver) -> list[str]:
    return _column(driver, 2)


def _api(ui, path: str) -> dict:
    req = urllib.request.Request(ui.base + path, headers={"Accept": "application/fhir+json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


def test_home_page(ui):
    from selenium.webdriver.common.by import By

    d = ui.open("/")
    assert d.title.startswith("RR-ALL terminology server")
    tables = d.find_elements(By.CSS_SELECTOR, "#codesystems ~ table tbody tr")
    assert len(tables) >= 12
    assert d.find_element(By.ID, "core").is_displayed()   # the core package, counted apart
    assert ui.only_this_server() == []
    ui.shot("home")


def test_search_from_the_header_and_follow_a_hit(ui):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    d = ui.open("/r4/ConceptMap/rr-all-to-ncit")
    box = d.find_element(By.ID, "site-search")
    box.send_keys("anaemia", Keys.ENTER)
    ui.wait(lambda d: "/search" in d.current_url)
    ui.check_console()
    ui.shot("search")
    d.find_element(By.LINK_TEXT, "Anemia").click()
    ui.wait(lambda d: d.current_url.endswith("/r4/CodeSystem/rr-all-symptom/concept/anaemia"))
    assert d.find_element(By.TAG_NAME, "h1").text.startswith("Anemia")
    ui.check_console()


def test_code_system_tree_opens_and_closes_with_the_keyboard(ui):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    d = ui.open("/r4/CodeSystem/rr-all-symptom")
    ui.shot("codesystem")
    group = d.find_element(By.XPATH, "//summary[a[text()='Pain symptom']]/..")
    assert group.get_attribute("open") is not None
    assert d.find_element(By.LINK_TEXT, "Bone pain").is_displayed()
    summary = group.find_element(By.TAG_NAME, "summary")
    d.execute_script("arguments[0].focus();", summary)
    summary.send_keys(Keys.ENTER)   # a summary is a button: Enter toggles it
    ui.wait(lambda d: group.get_attribute("open") is None)
    assert not d.find_element(By.CSS_SELECTOR, "a[href$='/concept/bone-pain']").is_displayed()
    fatigue = d.find_elements(By.LINK_TEXT, "Fatigue")
    assert len(fatigue) == 2   # under both of its parents
    fatigue[0].click()
    ui.wait(lambda d: d.current_url.endswith("/concept/fatigue"))
    assert "Tiredness" in d.find_element(By.TAG_NAME, "main").text
    ui.check_console()


def test_concept_page_links(ui):
    from selenium.webdriver.common.by import By

    d = ui.open("/r4/CodeSystem/rr-all-symptom/concept/anaemia")
    main = d.find_element(By.TAG_NAME, "main").text
    assert "Anaemia" in main and "D64.9" in main and "Leukaemia Care (UK charity), document 003" in main
    ui.shot("concept")
    d.find_element(By.LINK_TEXT, "RR-ALL Laboratory findings").click()
    ui.wait(lambda d: d.current_url.endswith("/r4/ValueSet/rr-all-laboratory-findings"))
    assert "Anemia" in _rows(d)
    d.back()
    d.find_element(By.LINK_TEXT, "Laboratory finding").click()   # the parent
    ui.wait(lambda d: d.current_url.endswith("/concept/laboratory-sign"))
    ui.check_console()


def test_type_ahead_filter_narrows_the_list(ui):
    from selenium.webdriver.common.by import By

    d = ui.open("/r4/ValueSet/rr-all-symptoms-and-signs")
    before = _rows(d)
    box = d.find_element(By.ID, "filter")
    box.send_keys("pain")
    ui.wait(lambda d: "matching “pain”" in d.find_element(By.ID, "expansion-status").text)
    after = _rows(d)
    wanted = _api(ui, "/r4/ValueSet/rr-all-symptoms-and-signs/$expand?filter=pain&excludeNested=true")
    assert 0 < len(after) < len(before)
    assert _codes(d) == [c["code"] for c in wanted["expansion"]["contains"]]   # what $expand?filter= answers
    assert "filter=pain" in d.current_url   # the address keeps the filter (reload, share)
    ui.shot("valueset-filter")
    box.send_keys("zzqx")
    ui.wait(lambda d: d.find_element(By.ID, "expansion-status").text.startswith("No codes"))
    assert _rows(d) == []
    ui.check_console()


def test_language_switch_changes_a_display(ui):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    d = ui.open("/r4/ValueSet/rr-all-laboratory-findings")
    assert "Anemia" in _rows(d)
    Select(d.find_element(By.ID, "displayLanguage")).select_by_value("en-GB")
    ui.wait(lambda d: "Anaemia" in _rows(d))
    assert "Anemia" not in _rows(d)
    assert "displayLanguage=en-GB" in d.current_url
    ui.shot("valueset")
    d.refresh()   # the server renders the same choice without the script
    assert "Anaemia" in _rows(d)
    ui.check_console()


def test_paging_and_downloads(ui):
    from selenium.webdriver.common.by import By

    d = ui.open("/r4/ValueSet/rr-all-all-concepts")
    first = _rows(d)
    assert len(first) == 50
    d.find_element(By.PARTIAL_LINK_TEXT, "Next 50").click()
    ui.wait(lambda d: "offset=50" in d.current_url)
    assert d.find_element(By.ID, "expansion-status").text.startswith("Codes 51–100 of")
    assert set(_rows(d)).isdisjoint(first)
    csv = d.find_element(By.LINK_TEXT, "Expansion (CSV)").get_attribute("href")
    with urllib.request.urlopen(csv, timeout=10) as r:   # what the button downloads
        assert r.headers["Content-Type"].startswith("text/csv") and b"anaemia" in r.read()
    ui.check_console()


def test_concept_map_page(ui):
    from selenium.webdriver.common.by import By

    d = ui.open("/r5/ConceptMap/rr-all-to-icd10cm")
    assert "source-is-narrower-than-target" in d.find_element(By.TAG_NAME, "main").text
    ui.shot("conceptmap")
    d.find_element(By.LINK_TEXT, "this page on FHIR R4").click()
    ui.wait(lambda d: "/r4/ConceptMap/rr-all-to-icd10cm" in d.current_url)
    assert "wider" in d.find_element(By.TAG_NAME, "main").text
    d.find_element(By.LINK_TEXT, "Relapsed ALL").click()
    ui.wait(lambda d: d.current_url.endswith("/r4/CodeSystem/rr-all-disease-status/concept/relapse"))
    ui.check_console()


def test_the_keyboard_reaches_the_content_first(ui):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    d = ui.open("/r4/ValueSet/rr-all-relapse-sites")
    d.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    skip = d.switch_to.active_element
    assert skip.text == "Skip to content" and skip.is_displayed()   # visible once focused
    skip.send_keys(Keys.ENTER)
    ui.wait(lambda d: d.switch_to.active_element.get_attribute("id") == "main")
    for label in d.find_elements(By.CSS_SELECTOR, "input, select"):   # every field has a label
        field_id = label.get_attribute("id")
        assert d.find_elements(By.CSS_SELECTOR, f"label[for='{field_id}']"), field_id
