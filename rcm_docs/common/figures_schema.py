"""The shape of the figures the build writes (build/figures/**/*.json), checked against
schemas/figures.schema.json: one $defs entry per kind of file, each file's kind told by its path.

    check_file(build / "figures" / "funding" / "KEN.json")      # kind from the path
    check_figures(fig, "country", "build/figures/KEN.json")     # a dict in memory

A violation raises FiguresSchemaError naming the file, the JSON path of the first violation and what is wrong
there. The figures are the code's own output, so a violation is a bug in the code that wrote them (a key
renamed or dropped, a number written as text), not a user's mistake."""
from __future__ import annotations

import json
import math
import re
from functools import cache
from importlib import resources
from pathlib import Path, PurePosixPath

import jsonschema
from jsonschema.exceptions import best_match

# Kind -> the path under build/figures/ it is written to (for messages and docs).
KINDS = {
    "country": "<ISO3>.json",
    "regional": "regional.json",
    "funding_country": "funding/<ISO3>.json",
    "funding_regional": "funding/regional.json",
    "sitrep_country": "sitreps/<YYYY-MM>/<ISO3>.json",
    "sitrep_regional": "sitreps/<YYYY-MM>/regional.json",
    "preparedness_country": "preparedness/<ISO3>.json",
    "preparedness_regional": "preparedness/regional.json",
}

_DOC = r"(?P<doc>[A-Z]{3}|regional)\.json"
_PATTERNS = [
    (re.compile(rf"^{_DOC}$"), ""),
    (re.compile(rf"^funding/{_DOC}$"), "funding_"),
    (re.compile(rf"^sitreps/[0-9]{{4}}-[0-9]{{2}}/{_DOC}$"), "sitrep_"),
    (re.compile(rf"^preparedness/{_DOC}$"), "preparedness_"),
]


class FiguresSchemaError(ValueError):
    """A figures file (or dict) does not have the shape figures.schema.json gives its kind."""

    def __init__(self, message: str, name: str, kind: str, json_path: str):
        super().__init__(message)
        self.name, self.kind, self.json_path = name, kind, json_path


@cache
def load_schema() -> dict:
    return json.loads(resources.files("rcm_docs.common").joinpath("schemas/figures.schema.json")
                      .read_text(encoding="utf-8"))


def _is_number(checker, value) -> bool:
    # NaN and infinities pass a plain "number" check, and json.dumps writes them (NaN), which is not JSON.
    return jsonschema.Draft202012Validator.TYPE_CHECKER.is_type(value, "number") and math.isfinite(value)


def _is_integer(checker, value) -> bool:
    # Draft 2020-12 takes 3.0 for an integer; figures write people and counts as int (as_people, len), so a
    # float there means the code changed.
    return isinstance(value, int) and not isinstance(value, bool)


_Validator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine_many(
        {"number": _is_number, "integer": _is_integer}),
)


@cache
def _validator(kind: str):
    if kind not in KINDS:
        raise ValueError(f"unknown kind of figures {kind!r}; one of: {', '.join(KINDS)}")
    schema = load_schema()
    return _Validator({"$schema": schema["$schema"], "$ref": f"#/$defs/{kind}", "$defs": schema["$defs"]})


def kind_of(path: str | Path) -> str:
    """The kind of a figures file from its path: relative to build/figures/, or any path with build/figures/ in
    it (the last one). inputs/issued/sitreps/<period>/figures/<doc>.json (an issued sitrep's figures, copied
    to build/figures/sitreps/<period>/) is a sitrep's: give its kind to check_file."""
    parts = PurePosixPath(Path(path).as_posix()).parts
    at = [i for i in range(len(parts) - 1) if parts[i:i + 2] == ("build", "figures")]
    rel = "/".join(parts[at[-1] + 2:] if at else parts)
    for pattern, prefix in _PATTERNS:
        m = pattern.match(rel)
        if m:
            return prefix + ("regional" if m["doc"] == "regional" else "country")
    raise ValueError(f"{path}: not a figures file the build writes (expected one of build/figures/"
                     + ", build/figures/".join(KINDS.values()) + ")")


def _describe(error: jsonschema.ValidationError) -> str:
    if error.validator == "required" and isinstance(error.instance, dict) and len(error.instance) <= 15:
        return f"{error.message} (the keys there: {', '.join(sorted(error.instance))})"
    if error.validator == "type" and isinstance(error.instance, float) and not math.isfinite(error.instance):
        return f"{error.message}: NaN and infinities are not numbers in JSON (a figure computed from a missing value?)"
    if error.validator in ("type", "const", "enum"):
        return f"{error.message}; the value there is a {type(error.instance).__name__}: {error.instance!r:.80}"
    return error.message


def _telling(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """Inside an anyOf (a value or null), the error of the branch that was meant: not the null one."""
    while error.validator in ("anyOf", "oneOf") and error.context:
        meant = [e for e in error.context if not (e.validator == "type" and e.validator_value == "null")]
        error = best_match(meant or error.context)
    return error


def violations(data, kind: str) -> list[jsonschema.ValidationError]:
    """Every violation of the kind's schema, in the order of their JSON paths."""
    return sorted(_validator(kind).iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])


def check_figures(data, kind: str, name: str = "<figures>") -> None:
    """Raise FiguresSchemaError, naming `name`, the JSON path of the first violation and what is wrong there,
    when `data` does not have the shape of `kind` (see KINDS)."""
    errors = violations(data, kind)
    if not errors:
        return
    # The most telling one (jsonschema's best_match: the shallowest, and inside an anyOf, such as a value or
    # null, the branch that went deepest).
    best = _telling(best_match(errors))
    # A renamed key is two violations at one place (a key required, a key unexpected): say both.
    here = [best] + [e for e in errors if e.json_path == best.json_path and e is not best
                     and {e.validator, best.validator} <= {"required", "additionalProperties", "unevaluatedProperties"}]
    what = "; ".join(_describe(e) for e in sorted(here, key=lambda e: e.validator != "required"))
    more = len(errors) - len(here)
    raise FiguresSchemaError(
        f"{name}: figures of kind {kind} ({KINDS[kind]}) break rcm_docs/common/schemas/figures.schema.json "
        f"at {best.json_path}: {what}" + (f" (and {more} more violation(s))" if more > 0 else ""),
        name, kind, best.json_path)


def check_file(path: str | Path, kind: str | None = None) -> dict:
    """Read a figures file and check it against its kind (from its path, unless given); -> the figures."""
    path = Path(path)
    kind = kind or kind_of(path)
    try:  # NaN and Infinity, which json.dumps writes, load as floats: the schema check names where they are
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as e:
        raise FiguresSchemaError(f"{path}: not valid JSON: {e}", str(path), kind, "$") from e
    check_figures(data, kind, str(path))
    return data


def check_tree(figures_dir: str | Path) -> list[Path]:
    """Check every JSON file under a build/figures/ folder; -> the files checked. Stops at the first bad file."""
    files = sorted(Path(figures_dir).rglob("*.json"))
    for f in files:
        check_file(f, kind_of(f.relative_to(figures_dir)))
    return files
