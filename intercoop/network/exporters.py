"""Relationship exports: CSV in Kumu's layout (imports back), GraphML, GEXF and Kumu JSON.
Each writer takes the ties (with source and target loaded) and writes to a stream; CSV
text cells are kept from running as spreadsheet formulas (SafeWriter)."""

import json
from collections.abc import Callable, Iterable
from typing import Any, TextIO
from xml.sax.saxutils import quoteattr

from intercoop.core.csvfiles import SafeWriter
from intercoop.core.money import major_units
from intercoop.directory.models import Organization
from intercoop.network.models import Relationship

CSV_COLUMNS = ["From", "To", "Type", "Formality", "Start", "End", "Value", "Currency",
               "Visibility", "Status", "Notes"]  # fmt: skip


def _value(tie: Relationship) -> str:
    return "" if tie.annual_value is None else str(major_units(tie.annual_value, tie.currency))


def _date(value: Any) -> str:
    return value.isoformat() if value else ""


def write_csv(ties: Iterable[Relationship], stream: TextIO) -> None:
    writer = SafeWriter(stream)
    writer.writerow(CSV_COLUMNS)
    for tie in ties:
        writer.writerow([
            tie.source.slug, tie.target.slug, tie.kind, tie.formality, _date(tie.started_on),
            _date(tie.ended_on), _value(tie), tie.currency, tie.visibility, tie.status,
            tie.notes,
        ])  # fmt: skip


def _nodes(ties: list[Relationship]) -> list[Organization]:
    nodes: dict[int, Organization] = {}
    for tie in ties:
        nodes.setdefault(tie.source_id, tie.source)
        nodes.setdefault(tie.target_id, tie.target)
    return sorted(nodes.values(), key=lambda o: o.slug)


EDGE_ATTRIBUTES = [
    "kind",
    "formality",
    "status",
    "started_on",
    "ended_on",
    "annual_value",
    "currency",
]
NODE_ATTRIBUTES = ["name", "organisational_structure", "primary_activity", "locality", "country"]


def _edge_value(tie: Relationship, name: str) -> str:
    value = getattr(tie, name)
    return _date(value) if name.endswith("_on") else ("" if value is None else str(value))


def write_graphml(ties: Iterable[Relationship], stream: TextIO) -> None:
    ties = list(ties)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                 '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n')  # fmt: skip
    for name in NODE_ATTRIBUTES:
        stream.write(f'  <key id="{name}" for="node" attr.name="{name}" attr.type="string"/>\n')
    for name in EDGE_ATTRIBUTES:
        stream.write(f'  <key id="{name}" for="edge" attr.name="{name}" attr.type="string"/>\n')
    stream.write('  <graph id="intercoop" edgedefault="directed">\n')
    for node in _nodes(ties):
        stream.write(f"    <node id={quoteattr(node.slug)}>")
        for name in NODE_ATTRIBUTES:
            stream.write(f'<data key="{name}">{_xml(getattr(node, name))}</data>')
        stream.write("</node>\n")
    for tie in ties:
        stream.write(f'    <edge id="e{tie.pk}" source={quoteattr(tie.source.slug)} '
                     f"target={quoteattr(tie.target.slug)}>")  # fmt: skip
        for name in EDGE_ATTRIBUTES:
            stream.write(f'<data key="{name}">{_xml(_edge_value(tie, name))}</data>')
        stream.write("</edge>\n")
    stream.write("  </graph>\n</graphml>\n")


def write_gexf(ties: Iterable[Relationship], stream: TextIO) -> None:
    ties = list(ties)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write('<gexf xmlns="http://gexf.net/1.3" version="1.3">\n')
    stream.write('  <graph defaultedgetype="directed">\n    <attributes class="node">\n')
    for i, name in enumerate(NODE_ATTRIBUTES[1:]):
        stream.write(f'      <attribute id="{i}" title="{name}" type="string"/>\n')
    stream.write('    </attributes>\n    <attributes class="edge">\n')
    for i, name in enumerate(EDGE_ATTRIBUTES):
        stream.write(f'      <attribute id="{i}" title="{name}" type="string"/>\n')
    stream.write("    </attributes>\n    <nodes>\n")
    for node in _nodes(ties):
        stream.write(
            f"      <node id={quoteattr(node.slug)} label={quoteattr(node.name)}><attvalues>"
        )
        for i, name in enumerate(NODE_ATTRIBUTES[1:]):
            stream.write(f'<attvalue for="{i}" value={quoteattr(str(getattr(node, name)))}/>')
        stream.write("</attvalues></node>\n")
    stream.write("    </nodes>\n    <edges>\n")
    for tie in ties:
        ends = f"source={quoteattr(tie.source.slug)} target={quoteattr(tie.target.slug)}"
        stream.write(f'      <edge id="{tie.pk}" {ends} label={quoteattr(tie.kind)}><attvalues>')
        for i, name in enumerate(EDGE_ATTRIBUTES):
            stream.write(f'<attvalue for="{i}" value={quoteattr(_edge_value(tie, name))}/>')
        stream.write("</attvalues></edge>\n")
    stream.write("    </edges>\n  </graph>\n</gexf>\n")


def write_kumu(ties: Iterable[Relationship], stream: TextIO) -> None:
    """Kumu's JSON import: elements (labelled by name) and connections between them."""
    ties = list(ties)
    elements = [
        {"label": node.name, "type": "Co-operative" if node.is_cooperative else "Ally",
         "id": node.slug, "structure": node.organisational_structure, "locality": node.locality}
        for node in _nodes(ties)
    ]  # fmt: skip
    connections = [
        {"from": tie.source.slug, "to": tie.target.slug, "type": tie.get_kind_display(),
         "direction": "directed", "formality": tie.formality, "status": tie.status,
         "start": _date(tie.started_on), "end": _date(tie.ended_on)}
        for tie in ties
    ]  # fmt: skip
    json.dump({"elements": elements, "connections": connections}, stream, ensure_ascii=False)


def _xml(value: Any) -> str:
    return quoteattr("" if value is None else str(value))[1:-1]


FORMATS: dict[str, tuple[Callable[[Iterable[Relationship], TextIO], None], str, str]] = {
    "csv": (write_csv, "text/csv; charset=utf-8", "csv"),
    "graphml": (write_graphml, "application/graphml+xml", "graphml"),
    "gexf": (write_gexf, "application/gexf+xml", "gexf"),
    "kumu": (write_kumu, "application/json", "json"),
}
