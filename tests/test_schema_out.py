"""`statusgen schema`: valid JSON Schema that accepts every real file and rejects what the loader rejects."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from statusgen.cli import cli
from statusgen.content import format as schema
from statusgen.content.jsonschema import SCHEMAS, file_name, json_schema, render
from statusgen.content.loader import load_site
from statusgen.errors import ContentError

from .conftest import BASE_SITE, EXAMPLE_SITE

#: Keywords draft-07 knows as well: editors that implement only draft-07 check files the same way.
DRAFT7_KEYWORDS = {
    "$schema", "$id", "$comment", "title", "description", "type", "properties", "additionalProperties",
    "required", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum", "items", "minItems", "uniqueItems",
    "propertyNames", "minProperties", "oneOf", "anyOf", "format", "examples", "contentMediaType",
}


class _TextTimes(yaml.SafeLoader):
    """Reads YAML as editors do (YAML 1.2 core schema): a timestamp stays a string."""


_TextTimes.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json_schema(name),
                                           format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def schema_for(rel: str) -> str:
    folder = rel.split("/")[0]
    return {"site.yaml": "site", "incidents": "incident", "maintenance": "maintenance",
            "commitments": "commitment"}[folder]


def site_files() -> Iterator[Any]:
    for root in (EXAMPLE_SITE, BASE_SITE):
        for path in sorted(root.rglob("*.yaml")):
            rel = path.relative_to(root).as_posix()
            yield pytest.param(path, schema_for(rel), id=f"{root.name}/{rel}")


def walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_each_schema_is_valid_for_draft_2020_12_and_draft_07(name: str) -> None:
    document = json_schema(name)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["$id"] == f"urn:statusgen:schema:{name}" and document["title"]
    jsonschema.Draft202012Validator.check_schema(document)
    jsonschema.Draft7Validator.check_schema({**document, "$schema": "http://json-schema.org/draft-07/schema#"})
    used = {key for node in walk(document) for key in node} - set(_property_names(document))
    assert used <= DRAFT7_KEYWORDS, used - DRAFT7_KEYWORDS


def _property_names(document: dict[str, Any]) -> Iterator[str]:
    for node in walk(document):
        yield from node.get("properties", {})


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_every_key_has_a_description_for_hover_help(name: str) -> None:
    for node in walk(json_schema(name)):
        for key, prop in node.get("properties", {}).items():
            assert prop.get("description"), f"{name}: {key} has no description"


@pytest.mark.parametrize("path,name", list(site_files()))
def test_every_file_of_the_example_sites_is_accepted(path: Path, name: str) -> None:
    document = yaml.load(path.read_text(encoding="utf-8"), Loader=_TextTimes)
    errors = [e.message for e in validator(name).iter_errors(document)]
    assert errors == []


BROKEN = [
    ("incidents/2026-11-24-x.yaml", "title: X\nimpact: major\nupdates:\n  - {at: 2026-11-24T10:00:00Z, stauts: "
     "investigating, body: Slow.}\n", "'stauts' was unexpected"),
    ("incidents/2026-11-24-x.yaml", "title: X\nimpact: huge\nupdates:\n  - {at: 2026-11-24T10:00:00Z, status: "
     "investigating, body: Slow.}\n", "'huge' is not one of"),
    ("incidents/2026-11-24-x.yaml", "title: X\nimpact: major\n", "'updates' is a required property"),
    ("incidents/2026-11-24-x.yaml", "title: X\nimpact: major\nupdates:\n  - {at: 2026-11-24T10:00:00, status: "
     "investigating, body: Slow.}\n", "does not match"),
    ("incidents/2026-11-24-x.yaml", "title: X\nimpact: major\ncomponents: {API: major_outage}\nupdates:\n"
     "  - {at: 2026-11-24T10:00:00Z, status: investigating, body: Slow.}\n", "does not match"),
    ("incidents/2026-11-24-x.yaml", "title: X\nimpact: major\nupdates:\n  - {at: 2026-11-24T10:00:00Z, status: "
     "investigating, body: Slow., next_update_in: soon}\n", "does not match"),
    ("maintenance/2026-12-01-db.yaml", "title: X\ncomponents: [web]\nannounced_at: 2026-11-20T10:00:00Z\n"
     "starts_at: 2026-12-01T02:00:00Z\nends_at: 2026-12-01T04:00:00Z\nbody: B.\nupdates:\n"
     "  - {at: 2026-12-01T02:00:00Z, status: investigating, body: x}\n", "'investigating' is not one of"),
    ("commitments/2026-11-22-canary-deploys.yaml", "title: X\nmade_at: 2026-11-22T12:00:00+01:00\n"
     "due: next week\nbody: B.\n", "is not valid under any of the given schemas"),
    ("site.yaml", "title: T\nbase_url: status.example.com\ntimezone: UTC\ncomponents: [{id: api, name: API}]\n",
     "does not match"),
    ("site.yaml", "title: T\nbase_url: https://s.example/\ntimezone: UTC\ncomponents: []\n",
     "should be non-empty"),
]


@pytest.mark.parametrize("rel,text,message", BROKEN, ids=[f"{r}:{m}" for r, _, m in BROKEN])
def test_a_broken_file_is_rejected_by_the_schema_and_by_the_loader(
        make_site: Callable[..., Path], rel: str, text: str, message: str) -> None:
    document = yaml.load(text, Loader=_TextTimes)
    errors = [e.message for e in validator(schema_for(rel)).iter_errors(document)]
    assert any(message in e for e in errors), errors
    with pytest.raises(ContentError):
        load_site(make_site({rel: text}))


def test_schemas_are_made_from_the_loaders_declarations() -> None:
    """One source of truth: the same Obj declarations, key for key."""
    for name, (declaration, _) in SCHEMAS.items():
        assert list(json_schema(name)["properties"]) == list(declaration.fields)
    assert SCHEMAS["incident"][0] is schema.INCIDENT and SCHEMAS["site"][0] is schema.SITE


def test_schema_command_writes_every_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["schema", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted(file_name(n) for n in SCHEMAS)
    for name in SCHEMAS:
        text = (tmp_path / "out" / file_name(name)).read_text(encoding="utf-8")
        assert text == render(name)
        assert json.loads(text) == json_schema(name)


def test_schema_command_defaults(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    one = runner.invoke(cli, ["schema", "incident"])
    assert one.exit_code == 0 and one.stdout == render("incident")
    assert not (tmp_path / "schemas").exists()
    every = runner.invoke(cli, ["schema"])
    assert every.exit_code == 0
    assert len(list((tmp_path / "schemas").glob("*.schema.json"))) == len(SCHEMAS)
    assert runner.invoke(cli, ["schema", "incidents"]).exit_code == 2


def test_schema_command_cannot_write(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "out" / "site.schema.json").mkdir(parents=True)  # a folder where the file should go
    result = runner.invoke(cli, ["schema", "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "cannot write" in result.stderr and "Traceback" not in result.output
