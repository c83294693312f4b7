"""A coordinator on the demo network's graph: filter to contracts, click a node, read its
panel."""

import pytest
from django.core.management import call_command

from intercoop.core.browser import SCREENSHOTS, browser_page, live_url, log_in, wait_until

__all__ = ["browser_page", "live_url"]  # fixtures


@pytest.mark.browser
def test_graph_filter_to_contracts_and_open_a_node(live_url, browser_page):
    call_command("demo")
    page = browser_page
    page.goto(f"{live_url}/networks/valley-coop-network/graph/")
    wait_until(page, "window.intercoopGraph && window.intercoopGraph.nodes().length > 0")
    for formality in ("informal", "written_agreement", "joint_institution"):
        page.uncheck(f"input[name=formality][value={formality}]")
    shown = page.evaluate(
        "window.intercoopGraph.edges().filter(e => !e.hasClass('hidden'))"
        ".map(e => e.data('formality'))"
    )
    assert shown and set(shown) == {"contract"}
    # click the best-connected organisation where the browser draws it
    x, y, name = page.evaluate(
        """(() => {
          const cy = window.intercoopGraph, node = cy.nodes().max(n => n.degree()).ele;
          const box = cy.container().getBoundingClientRect(), p = node.renderedPosition();
          return [box.left + p.x, box.top + p.y, node.data('name')];
        })()"""
    )
    page.mouse.click(x, y)
    page.wait_for_selector("#node-panel:not([hidden])")
    assert page.locator("#node-panel h2").inner_text() == name
    assert "Betweenness" in page.locator("#node-panel").inner_text()  # metrics by name
    page.screenshot(path=str(SCREENSHOTS / "network-graph.png"))


@pytest.mark.browser
def test_the_assessment_report_and_the_trend(live_url, browser_page):
    call_command("demo")
    page = browser_page
    log_in(page, live_url, "coordinator", "intercoop-demo")
    page.goto(f"{live_url}/networks/valley-coop-network/assessments/")
    page.click("text=2025-12-31")
    assert page.locator("h2").first.inner_text() == "1. Institutionalisation of relationships"
    assert "Joint energy contract saved members 14%." in page.content()
    page.screenshot(path=str(SCREENSHOTS / "assessment-report.png"), full_page=True)
    page.select_option("#compare-with", label="2021-12-31")
    page.click("text=Compare >> nth=-1")
    page.wait_for_selector("svg polygon.now")
    page.screenshot(path=str(SCREENSHOTS / "assessment-trend.png"), full_page=True)
