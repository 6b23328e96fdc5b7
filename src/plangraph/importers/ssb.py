"""Statistics Norway (SSB): tables of the statistics bank as W3C Data Cube observations.

The statistics bank answers in JSON-stat 2.0 (PxWebApi v2, and v0 with ``"format":
"json-stat2"``). :func:`to_triples` reads such an answer without I/O and gives:

- a ``qb:DataSet`` per table (``…/id/ssb/table/{id}``), with its title, SSB's update time, its
  footnotes (``note``) as comments and SSB's licence;
- a ``qb:DataStructureDefinition`` with the dimensions, the measure and the attributes;
- the region dimension as ``sdmx-dimension:refArea`` and the time dimension as
  ``sdmx-dimension:refPeriod`` (a ``xsd:gYear`` for years, ``xsd:gYearMonth`` for months, the
  SSB code as it stands otherwise); every other dimension, the contents (``ContentsCode``)
  included, as a ``qb:DimensionProperty`` of the table whose values are ``skos:Concept``\\ s
  with SSB's code as ``skos:notation``;
- one ``qb:Observation`` per cell: ``sdmx-measure:obsValue`` (absent when SSB gives no value),
  ``sdmx-attribute:unitMeasure`` and ``sdmx-attribute:decimals`` from the contents' unit, and
  ``sdmx-attribute:obsStatus`` with SSB's symbol where the cell has a status (SSB's standard
  symbols: ``..`` data missing, ``.`` not applicable, ``:`` confidential, ...).

Regions: ``sdmx-dimension:refArea`` is the municipality as an area, the resource of its number
in plangraph's copy of SSB's classification 131 (``…/id/municipality/{number}``, as the KLASS
importer names it), whichever code SSB uses: ``K-4601`` (a series summed to today's borders),
``4601``, and ``1201``, Bergen's number before the 2020 reform (same borders, new county), all
give ``…/id/municipality/4601``. The renumbering map (:data:`RENUMBERED`) holds the codes met so
far, each a renumbering without a change of borders (KLASS 131, changes of 1 January 2020); a
number whose municipality was merged keeps its own resource. Where an answer lists one
municipality under two codes (SSB gives each a "." for the years the number was not in use), the
two cells of a period are one observation, the one with a value. Regions that are not municipalities (the whole country,
counties, ``K-23`` the continental shelf, ...) get an SSB region IRI with SSB's label.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import pyoxigraph as ox

from plangraph.importers import base
from plangraph.importers.errors import UnexpectedResponse
from plangraph.importers.vocab import RDF_TYPE, RDFS_COMMENT, RDFS_LABEL
from plangraph.namespaces import BASE, PREFIXES

SOURCE = base.Source(
    key="ssb",
    name={
        "nb": "Statistisk sentralbyrå (SSB), statistikkbanken",
        "en": "Statistics Norway (SSB), the statistics bank",
    },
    license="https://creativecommons.org/licenses/by/4.0/",
    home="https://www.ssb.no/",
    calls=30,  # PxWebApi v2 config: maxCallsPerTimeWindow 30 per timeWindow 60 s
    per_seconds=60,
)

API = "https://data.ssb.no/api/pxwebapi/v2"
LICENCE_PAGE = "https://www.ssb.no/en/diverse/lisens"

#: Municipality numbers SSB still uses for earlier periods -> today's number, for the same
#: municipality with the same borders (KLASS classification 131, changes of 2020-01-01).
RENUMBERED: dict[str, str] = {
    "1201": "4601",  # Bergen, Hordaland -> Vestland
}

QB = "http://purl.org/linked-data/cube#"
SDMX_DIMENSION = "http://purl.org/linked-data/sdmx/2009/dimension#"
SDMX_MEASURE = "http://purl.org/linked-data/sdmx/2009/measure#"
SDMX_ATTRIBUTE = "http://purl.org/linked-data/sdmx/2009/attribute#"
SKOS = PREFIXES["skos"]
XSD = PREFIXES["xsd"]
DCT = PREFIXES["dct"]

REF_AREA = ox.NamedNode(SDMX_DIMENSION + "refArea")
REF_PERIOD = ox.NamedNode(SDMX_DIMENSION + "refPeriod")
OBS_VALUE = ox.NamedNode(SDMX_MEASURE + "obsValue")
UNIT = ox.NamedNode(SDMX_ATTRIBUTE + "unitMeasure")
DECIMALS = ox.NamedNode(SDMX_ATTRIBUTE + "decimals")
STATUS = ox.NamedNode(SDMX_ATTRIBUTE + "obsStatus")

_TABLE_ID = re.compile(r"\d{5}")
_MUNICIPALITY = re.compile(r"(?:K-)?(\d{4})")

_LANG_TAGS = {"no": "nb", "nb": "nb", "en": "en"}


def municipality_iri(number: str) -> str:
    """A municipality as an area, by its number: ``…/id/municipality/{number}``, the resource
    of the code in plangraph's copy of classification 131 (the KLASS importer's IRIs)."""
    return f"{BASE}id/municipality/{number}"


def municipality_number(code: str) -> str | None:
    """Today's municipality number for an SSB region code, or None if it is no municipality.

    ``K-4601`` (summed to today's borders), ``4601`` and ``1201`` (Bergen before 2020) all give
    ``4601``.
    """
    match = _MUNICIPALITY.fullmatch(code.strip())
    if match is None:
        return None
    return RENUMBERED.get(match.group(1), match.group(1))


def table_iri(table: str) -> str:
    return f"{BASE}id/ssb/table/{table}"


def dimension_iri(table: str, dimension: str) -> str:
    return f"{table_iri(table)}/dimension/{quote(dimension, safe='')}"


def code_iri(table: str, dimension: str, code: str) -> str:
    """The concept for one value of a table's dimension (a contents code, an age group, ...)."""
    return f"{dimension_iri(table, dimension)}/code/{quote(code, safe='')}"


def region_iri(code: str) -> str:
    """The region an SSB region code stands for: a municipality, or an SSB region."""
    number = municipality_number(code)
    if number is not None:
        return municipality_iri(number)
    return f"{BASE}id/ssb/region/{quote(code.strip(), safe='')}"


# -- the request ------------------------------------------------------------------------------


def data_url(
    table: str,
    region: str,
    *,
    region_variable: str = "Region",
    select: Sequence[tuple[str, str]] = (),
    lang: str = "no",
) -> str:
    """The PxWebApi v2 URL of a table's data for one municipality (or ``all``), every contents
    code and every period, as JSON-stat 2.0. Regions are asked for as K-codes summed to today's
    borders (``agg_KommSummer``), so a series runs across the municipal mergers. ``select``
    gives the values of other variables (``("Kjonn", "0")``), or narrows the contents codes or
    periods (``("Tid", "from(2015)")``); a variable not named is left to SSB (eliminated where
    the table allows it)."""
    check_table(table)
    region = check_region(region)
    query: list[tuple[str, str]] = [("lang", lang), ("outputFormat", "json-stat2")]
    if region != "none":
        query += [
            (f"valueCodes[{region_variable}]", "*" if region == "all" else f"K-{region}"),
            (f"codelist[{region_variable}]", "agg_KommSummer"),
            (f"outputValues[{region_variable}]", "aggregated"),
        ]
    codes = {"ContentsCode": "*", "Tid": "*", **dict(select)}
    query += [(f"valueCodes[{name}]", value) for name, value in codes.items()]
    return f"{API}/tables/{table}/data?{urlencode(query, safe='*,()')}"


def check_table(table: str) -> str:
    if not _TABLE_ID.fullmatch(table):
        raise ValueError(f"an SSB table is five digits, such as 07459 (got {table!r})")
    return table


def check_region(region: str) -> str:
    """A municipality number (``4601``, ``K-4601`` or ``1201``) as today's number; ``all`` (every
    region of the table) or ``none`` (a table with no region variable) as they are."""
    if region in ("all", "none"):
        return region
    number = municipality_number(region)
    if number is None:
        raise ValueError(
            f"a region is a municipality number such as 4601, 'all' or 'none' (got {region!r})"
        )
    return number


def job(
    table: str,
    region: str,
    *,
    region_variable: str = "Region",
    select: Sequence[tuple[str, str]] = (),
    lang: str = "no",
) -> base.ImportJob:
    """The import of one SSB table for one municipality (or all) into its own named graph."""
    check_table(table)
    region = check_region(region)
    url = data_url(table, region, region_variable=region_variable, select=select, lang=lang)
    keep = None if region in ("all", "none") else region
    where = {
        "all": ("alle kommuner", "all municipalities"),
        "none": ("hele tabellen", "the whole table"),
    }
    nb, en = where.get(region, (f"kommune {region}", f"municipality {region}"))

    def parse(payloads: Sequence[bytes]) -> Iterable[ox.Triple]:
        data = base.read_json(SOURCE, payloads[0], f"the answer for table {table}")
        return to_triples(
            data, table=table, municipality=keep, lang=lang, region_variable=region_variable
        )

    return base.ImportJob(
        source=SOURCE,
        graph=base.graph_iri(SOURCE, table, region),
        title={
            "nb": f"SSB-tabell {table} for {nb}",
            "en": f"SSB table {table} for {en}",
        },
        requests=(base.Request(url),),
        parse=parse,
    )


# -- reading JSON-stat 2.0 --------------------------------------------------------------------


@dataclass(frozen=True)
class _Dimension:
    id: str
    label: str
    codes: tuple[str, ...]
    labels: dict[str, str]
    units: dict[str, dict[str, Any]]
    notes: dict[str, list[str]]
    note: list[str]


def _fail(message: str) -> UnexpectedResponse:
    return UnexpectedResponse(f"{SOURCE.english_name}: {message}")


def _dimensions(data: dict[str, Any]) -> list[_Dimension]:
    ids, sizes, dimensions = data.get("id"), data.get("size"), data.get("dimension")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise _fail("the answer has no list of dimension ids ('id'): not JSON-stat 2.0")
    if not isinstance(sizes, list) or len(sizes) != len(ids):
        raise _fail("'size' does not give one size per dimension of 'id'")
    if not isinstance(dimensions, dict):
        raise _fail("the answer has no 'dimension' object")
    found: list[_Dimension] = []
    for name, size in zip(ids, sizes, strict=True):
        entry = dimensions.get(name)
        if not isinstance(entry, dict) or not isinstance(entry.get("category"), dict):
            raise _fail(f"dimension {name!r} is listed in 'id' but not described in 'dimension'")
        category = entry["category"]
        codes = _category_codes(name, category.get("index"), category.get("label"))
        if len(codes) != size:
            raise _fail(f"dimension {name!r} has {len(codes)} categories but its size is {size}")
        found.append(
            _Dimension(
                id=name,
                label=str(entry.get("label") or name),
                codes=codes,
                labels={str(k): str(v) for k, v in (category.get("label") or {}).items()},
                units=dict(category.get("unit") or {}),
                notes={str(k): _notes(v) for k, v in (category.get("note") or {}).items()},
                note=_notes(entry.get("note")),
            )
        )
    return found


def _category_codes(name: str, index: object, labels: object) -> tuple[str, ...]:
    if isinstance(index, list):
        return tuple(str(code) for code in index)
    if isinstance(index, dict):
        ordered = sorted(index.items(), key=lambda item: int(item[1]))
        return tuple(str(code) for code, _ in ordered)
    if isinstance(labels, dict) and len(labels) == 1:  # a single category may omit its index
        return (str(next(iter(labels))),)
    raise _fail(f"dimension {name!r} has no category index")


def _notes(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value]
    raise _fail(f"a note is neither a text nor a list of texts: {value!r}")


def _values(data: dict[str, Any], cells: int) -> list[float | int | None]:
    raw = data.get("value")
    if isinstance(raw, list):
        if len(raw) != cells:
            raise _fail(f"'value' has {len(raw)} cells, but the dimensions make {cells}")
        values = raw
    elif isinstance(raw, dict):
        values = [None] * cells
        for key, value in raw.items():
            position = int(key)
            if not 0 <= position < cells:
                raise _fail(f"'value' has cell {key}, outside the table's {cells} cells")
            values[position] = value
    else:
        raise _fail("the answer has no 'value' list: not JSON-stat 2.0")
    for value in values:
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (isinstance(value, float) and not math.isfinite(value))
        ):
            raise _fail(f"a cell holds {value!r}, not a number")
    return values


def _statuses(data: dict[str, Any], cells: int) -> dict[int, str]:
    raw = data.get("status")
    if raw is None:
        return {}
    if isinstance(raw, str):
        return dict.fromkeys(range(cells), raw)
    if isinstance(raw, list):
        return {i: str(s) for i, s in enumerate(raw) if s is not None}
    if isinstance(raw, dict):
        return {int(k): str(v) for k, v in raw.items()}
    raise _fail("'status' is neither a text, a list nor an object")


def table_id(data: dict[str, Any]) -> str | None:
    """The table an answer is from: ``extension.px.tableid``, else the number its label starts
    with (``07459: Befolkning, …``)."""
    px = (data.get("extension") or {}).get("px") or {}
    if isinstance(px, dict) and isinstance(px.get("tableid"), str):
        return str(px["tableid"])
    match = re.match(r"(\d{5}):", str(data.get("label") or ""))
    return match.group(1) if match else None


def to_triples(
    data: object,
    *,
    table: str | None = None,
    municipality: str | None = None,
    lang: str = "no",
    region_variable: str = "Region",
) -> list[ox.Triple]:
    """The Data Cube triples of one JSON-stat 2.0 answer of the statistics bank.

    ``table`` is the table asked for (an answer from another table is an error); without it the
    answer's own table id is used. ``municipality`` keeps only that municipality's observations.
    The region is the dimension with the role ``geo``, else ``region_variable``.
    Raises :class:`UnexpectedResponse` naming what is wrong with the answer.
    """
    if not isinstance(data, dict):
        raise _fail("the answer is not a JSON object")
    if "error" in data and "dimension" not in data:
        raise _fail(f"the statistics bank reports an error: {data['error']}")
    if "dataset" in data and "class" not in data:
        raise _fail("the answer is JSON-stat 1.x; ask for JSON-stat 2.0 (outputFormat=json-stat2)")
    if data.get("class") != "dataset":
        raise _fail(f"the answer is not a JSON-stat dataset (class is {data.get('class')!r})")
    found = table_id(data)
    if table is not None and found is not None and found != table:
        raise _fail(f"the answer is table {found}, but table {table} was asked for")
    table = table or found
    if table is None:
        raise _fail("the answer does not say which table it is from")
    tag = _LANG_TAGS.get(lang, lang)

    dims = _dimensions(data)
    cells = math.prod(len(d.codes) for d in dims)
    if cells == 0:
        raise _fail(f"table {table} came back empty (a dimension has no categories)")
    values = _values(data, cells)
    statuses = _statuses(data, cells)
    if all(v is None for v in values) and not statuses:
        raise _fail(f"table {table} came back with no values")

    role = data.get("role") or {}
    time_dim = _role(role, "time", dims, ("Tid",))
    geo_dim = _role(role, "geo", dims, (region_variable, "Region", "KOKkommuneregion0000"))
    if time_dim is None:
        raise _fail(f"table {table} has no time dimension (role 'time' or 'Tid')")

    dataset = ox.NamedNode(table_iri(table))
    triples: list[ox.Triple] = _dataset_triples(data, table, dataset, dims, time_dim, geo_dim, tag)
    coded = [d for d in dims if d.id not in (time_dim, geo_dim)]
    for dim in coded:
        triples += _dimension_triples(table, dim, tag)
    units: dict[str, tuple[ox.NamedNode, int | None]] = {}
    for dim in coded:
        for code, unit in dim.units.items():
            if isinstance(unit, dict) and unit.get("base"):
                node = ox.NamedNode(f"{BASE}id/ssb/unit/{quote(str(unit['base']), safe='')}")
                decimals = unit.get("decimals")
                units[f"{dim.id}\x00{code}"] = (
                    node,
                    int(decimals) if decimals is not None else None,
                )
                triples.append(ox.Triple(node, RDF_TYPE, ox.NamedNode(SKOS + "Concept")))
                triples.append(
                    ox.Triple(node, RDFS_LABEL, ox.Literal(str(unit["base"]), language=tag))
                )

    region_labels: dict[str, str] = {}
    geo = next((d for d in dims if d.id == geo_dim), None)
    if geo is not None:
        region_labels = geo.labels

    strides = _strides([len(d.codes) for d in dims])
    # One observation per cell of the cube. Two region codes of one municipality (1201 and 4601,
    # or 4601 and K-4601) are one area, so their cells for the same period are one observation:
    # the cell with a value wins (SSB gives the other a status such as "." instead).
    chosen: dict[tuple[str, ...], int] = {}
    geo_at = [d.id for d in dims].index(geo_dim) if geo_dim is not None else None
    for cell in range(cells):
        key = tuple(
            d.codes[(cell // stride) % len(d.codes)]
            for d, stride in zip(dims, strides, strict=True)
        )
        if geo_at is not None:
            area = _area_key(key[geo_at])
            if municipality is not None and area != municipality:
                continue
            key = (*key[:geo_at], area, *key[geo_at + 1 :])
        elif municipality is not None:
            continue
        earlier = chosen.get(key)
        if earlier is None or (values[earlier] is None and values[cell] is not None):
            chosen[key] = cell
    kept = len(chosen)
    seen_regions: set[str] = set()
    for key, cell in chosen.items():
        codes = [
            d.codes[(cell // stride) % len(d.codes)]
            for d, stride in zip(dims, strides, strict=True)
        ]
        by_dim = dict(zip((d.id for d in dims), codes, strict=True))
        obs = ox.NamedNode(f"{dataset.value}/obs/" + "/".join(quote(c, safe="") for c in key))
        triples += [
            ox.Triple(obs, RDF_TYPE, ox.NamedNode(QB + "Observation")),
            ox.Triple(obs, ox.NamedNode(QB + "dataSet"), dataset),
            ox.Triple(obs, REF_PERIOD, period(by_dim[time_dim])),
        ]
        if geo_dim is not None:
            code = by_dim[geo_dim]
            region = ox.NamedNode(region_iri(code))
            triples.append(ox.Triple(obs, REF_AREA, region))
            if municipality_number(code) is None and code not in seen_regions:
                seen_regions.add(code)
                label = ox.Literal(region_labels.get(code, code), language=tag)
                triples.append(ox.Triple(region, RDFS_LABEL, label))
                triples.append(ox.Triple(region, ox.NamedNode(SKOS + "notation"), ox.Literal(code)))
        for dim in coded:
            triples.append(
                ox.Triple(
                    obs,
                    ox.NamedNode(dimension_iri(table, dim.id)),
                    ox.NamedNode(code_iri(table, dim.id, by_dim[dim.id])),
                )
            )
            found_unit = units.get(f"{dim.id}\x00{by_dim[dim.id]}")
            if found_unit is not None:
                triples.append(ox.Triple(obs, UNIT, found_unit[0]))
                if found_unit[1] is not None:
                    triples.append(
                        ox.Triple(
                            obs,
                            DECIMALS,
                            ox.Literal(str(found_unit[1]), datatype=ox.NamedNode(XSD + "integer")),
                        )
                    )
        value = values[cell]
        if value is not None:
            triples.append(ox.Triple(obs, OBS_VALUE, _number(value)))
        status = statuses.get(cell)
        if status is not None:
            triples.append(ox.Triple(obs, STATUS, ox.Literal(status)))
    if kept == 0:
        raise _fail(f"table {table} has no observations for municipality {municipality}")
    return triples


def _area_key(code: str) -> str:
    """A region code as the area it names: today's municipality number, else the code."""
    return municipality_number(code) or code.strip()


def _role(role: object, name: str, dims: list[_Dimension], fallback: tuple[str, ...]) -> str | None:
    ids = [d.id for d in dims]
    if isinstance(role, dict) and isinstance(role.get(name), list):
        for dim in role[name]:
            if dim in ids:
                return str(dim)
    return next((d for d in fallback if d in ids), None)


def _strides(sizes: list[int]) -> list[int]:
    """How many cells one step in each dimension moves (the last dimension moves fastest)."""
    strides = [1] * len(sizes)
    for i in range(len(sizes) - 2, -1, -1):
        strides[i] = strides[i + 1] * sizes[i + 1]
    return strides


def period(code: str) -> ox.Literal:
    """An SSB time code as a literal: ``2022`` a year, ``2025M07`` a month, others as they are
    (``2019K4`` a quarter, ``2022-2023`` a school year)."""
    if re.fullmatch(r"\d{4}", code):
        return ox.Literal(code, datatype=ox.NamedNode(XSD + "gYear"))
    month = re.fullmatch(r"(\d{4})M(\d{2})", code)
    if month:
        return ox.Literal(
            f"{month.group(1)}-{month.group(2)}", datatype=ox.NamedNode(XSD + "gYearMonth")
        )
    return ox.Literal(code)


def _moment(text: str) -> ox.Literal:
    """SSB's update time: a ``xsd:dateTime`` if it is one (``2022-02-24T07:00:00Z``)."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?", text):
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "dateTime"))
    return ox.Literal(text)


def _number(value: float | int) -> ox.Literal:
    if isinstance(value, int) or float(value).is_integer():
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
    return ox.Literal(repr(float(value)), datatype=ox.NamedNode(XSD + "decimal"))


def _dataset_triples(
    data: dict[str, Any],
    table: str,
    dataset: ox.NamedNode,
    dims: list[_Dimension],
    time_dim: str,
    geo_dim: str | None,
    tag: str,
) -> list[ox.Triple]:
    structure = ox.NamedNode(dataset.value + "/structure")
    triples = [
        ox.Triple(dataset, RDF_TYPE, ox.NamedNode(QB + "DataSet")),
        ox.Triple(dataset, ox.NamedNode(QB + "structure"), structure),
        ox.Triple(dataset, ox.NamedNode(DCT + "identifier"), ox.Literal(table)),
        ox.Triple(dataset, ox.NamedNode(DCT + "publisher"), ox.NamedNode(SOURCE.home)),
        ox.Triple(dataset, ox.NamedNode(DCT + "license"), ox.NamedNode(SOURCE.license)),
        ox.Triple(
            dataset,
            ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso"),
            ox.NamedNode(f"https://www.ssb.no/statbank/table/{table}"),
        ),
        ox.Triple(structure, RDF_TYPE, ox.NamedNode(QB + "DataStructureDefinition")),
    ]
    if data.get("label"):
        triples.append(ox.Triple(dataset, RDFS_LABEL, ox.Literal(str(data["label"]), language=tag)))
    if data.get("updated"):
        triples.append(
            ox.Triple(dataset, ox.NamedNode(DCT + "modified"), _moment(str(data["updated"])))
        )
    for note in _notes(data.get("note")):
        triples.append(ox.Triple(dataset, RDFS_COMMENT, ox.Literal(note, language=tag)))
    components: list[tuple[str, ox.NamedNode, str]] = []
    for dim in dims:
        if dim.id == time_dim:
            components.append((dim.id, REF_PERIOD, "dimension"))
        elif dim.id == geo_dim:
            components.append((dim.id, REF_AREA, "dimension"))
        else:
            components.append((dim.id, ox.NamedNode(dimension_iri(table, dim.id)), "dimension"))
    components += [
        ("obsValue", OBS_VALUE, "measure"),
        ("unitMeasure", UNIT, "attribute"),
        ("decimals", DECIMALS, "attribute"),
        ("obsStatus", STATUS, "attribute"),
    ]
    for order, (name, prop, kind) in enumerate(components, start=1):
        component = ox.NamedNode(f"{structure.value}/{quote(name, safe='')}")
        triples += [
            ox.Triple(structure, ox.NamedNode(QB + "component"), component),
            ox.Triple(component, RDF_TYPE, ox.NamedNode(QB + "ComponentSpecification")),
            ox.Triple(component, ox.NamedNode(QB + kind), prop),
        ]
        if kind == "dimension":
            triples.append(
                ox.Triple(
                    component,
                    ox.NamedNode(QB + "order"),
                    ox.Literal(str(order), datatype=ox.NamedNode(XSD + "integer")),
                )
            )
    return triples


def _dimension_triples(table: str, dim: _Dimension, tag: str) -> list[ox.Triple]:
    prop = ox.NamedNode(dimension_iri(table, dim.id))
    scheme = ox.NamedNode(prop.value + "/codes")
    triples = [
        ox.Triple(prop, RDF_TYPE, ox.NamedNode(QB + "DimensionProperty")),
        ox.Triple(prop, RDF_TYPE, ox.NamedNode(QB + "CodedProperty")),
        ox.Triple(prop, RDFS_LABEL, ox.Literal(dim.label, language=tag)),
        ox.Triple(prop, ox.NamedNode(SKOS + "notation"), ox.Literal(dim.id)),
        ox.Triple(prop, ox.NamedNode(QB + "codeList"), scheme),
        ox.Triple(scheme, RDF_TYPE, ox.NamedNode(SKOS + "ConceptScheme")),
        ox.Triple(scheme, RDFS_LABEL, ox.Literal(dim.label, language=tag)),
    ]
    for note in dim.note:
        triples.append(ox.Triple(prop, RDFS_COMMENT, ox.Literal(note, language=tag)))
    for code in dim.codes:
        concept = ox.NamedNode(code_iri(table, dim.id, code))
        triples += [
            ox.Triple(concept, RDF_TYPE, ox.NamedNode(SKOS + "Concept")),
            ox.Triple(concept, ox.NamedNode(SKOS + "inScheme"), scheme),
            ox.Triple(concept, ox.NamedNode(SKOS + "notation"), ox.Literal(code)),
            ox.Triple(
                concept,
                ox.NamedNode(SKOS + "prefLabel"),
                ox.Literal(dim.labels.get(code, code), language=tag),
            ),
        ]
        for note in dim.notes.get(code, []):
            triples.append(ox.Triple(concept, RDFS_COMMENT, ox.Literal(note, language=tag)))
    return triples
