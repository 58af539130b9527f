"""Load and check a workspace's inputs/plan.yaml (the plan's vocabularies)."""
from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import jsonschema
import pycountry
import yaml

from .errors import InputError
from .gate import UnsafeFile, read_text

# Organisation types national by nature (Grand Bargain). Faith-based, Red Cross/Red Crescent and academic
# partners are national or international case by case: partners.csv says so in its scope column.
DEFAULT_LOCAL_ACTOR_TYPES = (
    "NNGO",
    "Refugee-led organisation",
    "Civil society",
    "Government",
)


# Under the RCM, UNHCR shares information with the RC and UNCT, the HC and HCT (where they operate),
# and donors; what each pack holds follows practice and can be changed per plan in plan.yaml.
DEFAULT_AUDIENCES = {
    "rc_unct": {"name": "Resident Coordinator and UN Country Team",
                "title": "briefing for the Resident Coordinator and the UN Country Team",
                "sections": ["key_figures", "inclusion", "solutions", "host_community", "development",
                             "requirements_by_sector", "localisation"]},
    "hc_hct": {"name": "Humanitarian Coordinator and Humanitarian Country Team",
               "title": "briefing for the Humanitarian Coordinator and the Humanitarian Country Team",
               "sections": ["key_figures", "hrp_sectors", "idp_areas", "mixed_situations", "gaps"]},
    "donors": {"name": "Donors", "title": "donor briefing",
               "sections": ["key_figures", "countries", "funding_by_sector", "funding_by_org_type", "donors",
                            "gaps", "achievements", "localisation"]},
}


class PlanError(InputError):
    """plan.yaml is missing, unreadable or breaks the schema."""


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    host_community: bool = False
    kind: str = ""  # population groups: refugees, asylum_seekers, migrants, returnees, stateless, host_community, other


@dataclass(frozen=True)
class Objective:
    code: str
    text: str
    serves: tuple[str, ...] = ()  # a sector objective's strategic objectives


# How a population group's kind is named in running text (the plan's own words come first).
KIND_WORDS = {"refugees": "refugees", "asylum_seekers": "asylum-seekers", "migrants": "migrants",
              "returnees": "returnees", "stateless": "stateless people"}


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


@dataclass(frozen=True)
class Plan:
    title: str
    short_title: str
    situation: str
    start: dt.date
    end: dt.date
    as_of: dt.date
    currency: str
    countries: tuple[Code, ...]
    sectors: tuple[Code, ...]
    population_groups: tuple[Code, ...]
    local_actor_types: tuple[str, ...] = field(default=DEFAULT_LOCAL_ACTOR_TYPES)
    max_file_mb: float = 50
    audiences: dict = field(default_factory=lambda: dict(DEFAULT_AUDIENCES))
    population_label: str = ""
    objectives: tuple[Objective, ...] = ()
    sector_objectives: dict = field(default_factory=dict)  # sector code -> tuple[Objective, ...]
    coordination: dict = field(default_factory=dict)  # ISO3 or 'regional' -> the plan.yaml mapping
    contacts: tuple[dict, ...] = ()
    preparedness: tuple[Code, ...] = ()  # countries at risk of an influx, preparing (inputs/preparedness/<ISO3>/)

    @property
    def population_words(self) -> str:
        """The whole population the plan serves, in running text: the plan's label, else its groups' kinds,
        else its groups' own names ('refugees and asylum-seekers'). Never another plan's words."""
        if self.population_label:
            return self.population_label
        groups = [g for g in self.population_groups if not g.host_community]
        kinds = list(dict.fromkeys(g.kind for g in groups))
        if groups and all(k in KIND_WORDS for k in kinds):
            return _and([KIND_WORDS[k] for k in kinds])
        return _and(list(dict.fromkeys(g.name[0].lower() + g.name[1:] for g in groups))) if groups else "people"

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def country_codes(self) -> list[str]:
        return [c.code for c in self.countries]

    @property
    def sector_codes(self) -> list[str]:
        return [s.code for s in self.sectors]

    def pack_documents(self, audience: str) -> list[str]:
        """The documents (ISO3 codes, 'regional') that get this audience's pack: only where its reader exists.
        An audience's own `documents` list wins; else RC/UNCT packs go to every country unless its
        coordination says `rc_unct: false`, HC/HCT packs only where it says `hct: true`, and neither goes to
        the regional level unless the plan's regional coordination says so; other audiences (donors) get all."""
        spec = self.audiences.get(audience, {})
        docs = self.country_codes + ["regional"]
        if "documents" in spec:
            return [d for d in docs if d in spec["documents"]]
        flag = {"rc_unct": "rc_unct", "hc_hct": "hct"}.get(audience)
        if flag is None:
            return docs
        default = {"rc_unct": True, "hct": False}[flag]
        return [d for d in docs
                if self.coordination.get(d, {}).get(flag, default if d != "regional" else False) is True]

    @property
    def preparedness_codes(self) -> list[str]:
        return [c.code for c in self.preparedness]

    @property
    def all_country_codes(self) -> list[str]:
        """The response countries, then the countries preparing that are not (yet) among them."""
        return self.country_codes + [c for c in self.preparedness_codes if c not in self.country_codes]

    def country_name(self, code: str) -> str:
        return {c.code: c.name for c in self.preparedness + self.countries}[code]

    def sector_name(self, code: str) -> str:
        return {s.code: s.name for s in self.sectors}[code]

    @property
    def epoch(self) -> int:
        """Seconds since 1970 of the as-of date: the fixed timestamp of every output."""
        return int(dt.datetime(self.as_of.year, self.as_of.month, self.as_of.day, tzinfo=dt.timezone.utc).timestamp())

    def to_dict(self) -> dict:
        return {
            "title": self.title, "short_title": self.short_title, "situation": self.situation,
            "start": self.start.isoformat(), "end": self.end.isoformat(), "as_of": self.as_of.isoformat(),
            "currency": self.currency,
            "countries": [vars(c) for c in self.countries],
            "sectors": [vars(s) for s in self.sectors],
            "population_groups": [vars(g) for g in self.population_groups],
            "local_actor_types": list(self.local_actor_types),
            "population_words": self.population_words,
        }


def _schema() -> dict:
    return json.loads(resources.files("rcm_docs.common").joinpath("schemas/plan.schema.json").read_text(encoding="utf-8"))


def _where(error: jsonschema.ValidationError) -> str:
    return ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in error.absolute_path).replace(".[", "[") or "(top level)"


def _date(raw, key: str) -> dt.date:
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise PlanError(f"plan.yaml: {key}: {raw!r} is not a date; write it as YYYY-MM-DD") from None


def country_name(code: str) -> str | None:
    c = pycountry.countries.get(alpha_3=code)
    return None if c is None else getattr(c, "common_name", None) or c.name


def parse_plan(data: object) -> Plan:
    """Check a parsed plan.yaml against the schema and the code lists; every problem at once."""
    if not isinstance(data, dict):
        raise PlanError("plan.yaml: expected a mapping of keys (title:, period:, countries: ...)")
    # Dates from YAML arrive as date objects; the schema speaks strings.
    data = json.loads(json.dumps(data, default=str))
    problems = []
    for err in sorted(jsonschema.Draft202012Validator(_schema()).iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        if err.validator == "additionalProperties":
            extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
            known = ", ".join(err.schema.get("properties", {}))
            problems.append(f"{_where(err)}: unknown key {', '.join(map(repr, extra))} (known keys: {known})")
        else:
            problems.append(f"{_where(err)}: {err.message}")
    if not problems:
        names = data.get("country_names", {})
        for key in ("countries", "preparedness"):
            for i, code in enumerate(data.get(key, [])):
                if country_name(code) is None:
                    problems.append(f"{key}[{i}]: {code!r} is not an ISO 3166-1 alpha-3 country code")
        for key in ("sectors", "population_groups"):
            seen = set()
            for i, item in enumerate(data[key]):
                if item["code"].lower() in seen:
                    problems.append(f"{key}[{i}].code: {item['code']!r} is listed twice")
                seen.add(item["code"].lower())
        known = data["countries"] + data.get("preparedness", [])
        for code in names:
            if code not in known:
                problems.append(f"country_names.{code}: {code!r} is not in countries (nor in preparedness)")
        problems += _cross_references(data)
    if problems:
        raise PlanError("plan.yaml is not valid:\n" + "\n".join(f"  - {p}" for p in problems))
    start, end = _date(data["period"]["start"], "period.start"), _date(data["period"]["end"], "period.end")
    if end < start:
        raise PlanError(f"plan.yaml: period.end ({end}) is before period.start ({start})")
    names = data.get("country_names", {})
    return Plan(
        title=data["title"],
        short_title=data.get("short_title", data["title"]),
        situation=data["situation"],
        start=start,
        end=end,
        as_of=_date(data.get("as_of", start), "as_of"),
        currency=data["currency"],
        countries=tuple(Code(c, names.get(c) or country_name(c)) for c in data["countries"]),
        sectors=tuple(Code(s["code"], s["name"]) for s in data["sectors"]),
        population_groups=tuple(
            Code(g["code"], g["name"], bool(g.get("host_community", False)) or g.get("kind") == "host_community",
                 g.get("kind", "host_community" if g.get("host_community") else ""))
            for g in data["population_groups"]
        ),
        local_actor_types=tuple(data.get("local_actor_types", DEFAULT_LOCAL_ACTOR_TYPES)),
        max_file_mb=data.get("max_file_mb", 50),
        audiences=data.get("audiences", DEFAULT_AUDIENCES),
        population_label=data.get("population_label", ""),
        objectives=tuple(_objective(o, f"SO{i}") for i, o in enumerate(data.get("objectives", []), start=1)),
        sector_objectives={s["code"]: tuple(_objective(o, f"{s['code']}{i}") for i, o in enumerate(s["objectives"], start=1))
                           for s in data["sectors"] if s.get("objectives")},
        coordination=data.get("coordination", {}),
        contacts=tuple(data.get("contacts", [])),
        preparedness=tuple(Code(c, names.get(c) or country_name(c)) for c in data.get("preparedness", [])),
    )


def _objective(o: dict, default_code: str) -> Objective:
    return Objective(o.get("code", default_code), o["text"].strip(), tuple(o.get("serves", [])))


def _cross_references(data: dict) -> list[str]:
    """Codes that must name something the plan defines: objectives served, coordination's countries and sectors."""
    problems = []
    strategic = [o.get("code", f"SO{i}") for i, o in enumerate(data.get("objectives", []), start=1)]
    sectors = [s["code"] for s in data["sectors"]]
    countries = data["countries"] + data.get("preparedness", [])  # a country preparing has its arrangements too
    for i, s in enumerate(data["sectors"]):
        for j, o in enumerate(s.get("objectives", [])):
            for code in o.get("serves", []):
                if code not in strategic:
                    problems.append(f"sectors[{i}].objectives[{j}].serves: {code!r} is not a strategic objective code "
                                    f"({', '.join(strategic) or 'the plan lists none under objectives'})")
    for key, c in data.get("coordination", {}).items():
        if key != "regional" and key not in countries:
            problems.append(f"coordination.{key}: {key!r} is not in countries (nor in preparedness)")
        for code in c.get("hrp_clusters", {}):
            if code not in sectors:
                problems.append(f"coordination.{key}.hrp_clusters.{code}: {code!r} is not a sector code ({', '.join(sectors)})")
    for i, c in enumerate(data.get("contacts", [])):
        if c.get("country") not in (None, "regional") and c["country"] not in countries:
            problems.append(f"contacts[{i}].country: {c['country']!r} is not in countries (nor in preparedness)")
    return problems
# plan.yaml through SafeLoader with alias bombs refused before anything walks the result. SafeLoader builds
# aliases as shared references, so a 'billion laughs' loads in milliseconds; the explosion comes later, in
# anything that walks it (jsonschema in parse_plan: 387 million nodes for a 342-byte file with 72 aliases).
# So the composed node graph is measured before construction.
class _AliasLimit(Exception):
    pass


def _parser():
    """libyaml's scanner and parser where PyYAML has them (six times the pure-Python ones: 8 KB of plan in
    3 ms, read by the build's every process), under PyYAML's own Python composer, which counts aliases and
    whose recursion is bounded (libyaml's composer is C recursion: a deeply nested file crashed it)."""
    try:
        from yaml._yaml import CParser
    except ImportError:
        return None
    from yaml.composer import Composer
    from yaml.constructor import SafeConstructor
    from yaml.resolver import Resolver

    class Loader(Composer, CParser, SafeConstructor, Resolver):
        def __init__(self, stream):
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

    return Loader


_FAST_LOADER = _parser()


def _counting_loader(max_aliases: int):
    class Loader(_FAST_LOADER or yaml.SafeLoader):
        aliases = 0

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                self.aliases += 1
                if self.aliases > max_aliases:
                    raise _AliasLimit
            return super().compose_node(parent, index)

    return Loader


def _children(node):
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return ()


def _expanded(root, name: str) -> tuple[int, int]:
    """(values once aliases are written out, distinct nodes); iterative, so depth can't overflow."""
    size, on_path, stack = {}, set(), [(root, False)]
    while stack:
        node, done = stack.pop()
        k = id(node)
        if done:
            on_path.discard(k)
            size[k] = 1 + sum(size[id(c)] for c in _children(node))
        elif k not in size:
            if k in on_path:
                raise PlanError(f"{name}: an alias (*name) refers to a value that contains it, so the plan "
                                "never ends; write the values out")
            on_path.add(k)
            stack.append((node, True))
            stack.extend((c, False) for c in _children(node) if id(c) not in size)
    return size[id(root)], len(size)


def safe_yaml_load(text: str, max_bytes: int = 256 * 1024, max_aliases: int = 100,
                   max_alias_values: int = 10_000, name: str = "plan.yaml"):
    """yaml.safe_load for plan.yaml with alias bombs, self-references and deep nesting refused.

    Rule: at most max_aliases alias uses (*name), and aliases may add at most max_alias_values values
    once written out. A plan that reuses a list of sections a few times adds tens.
    """
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise PlanError(f"{name}: {size:,} bytes, over the {max_bytes:,}-byte limit for a plan; "
                        "a plan is vocabularies and settings, keep data in the inputs")
    loader = _counting_loader(max_aliases)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        total, distinct = _expanded(node, name)
        if total - distinct > max_alias_values:
            raise PlanError(f"{name} uses {loader.aliases} aliases (&anchor/*alias) that expand it to "
                            f"{total:,} values (a 'billion laughs'); write the values out")
        return loader.construct_document(node)
    except _AliasLimit:
        raise PlanError(f"{name} uses over {max_aliases} aliases (&anchor/*alias); write the values out") from None
    except RecursionError:
        raise PlanError(f"{name}: values nested too deeply to read; a plan needs a few levels") from None
    except yaml.YAMLError as e:
        # PyYAML >= 6.0.3 bounds nesting itself, with its own scanner error
        if "nesting depth" in str(e):
            raise PlanError(f"{name}: values nested too deeply to read; a plan needs a few levels") from None
        raise
    finally:
        loader.dispose()


def yaml_problem(e: Exception) -> str:
    """A YAML error on one line, at the line and column an editor shows: 'line 2, column 1: did not find
    expected ',' or ']' (in a [...] list opened at line 1)'."""
    mark, problem = getattr(e, "problem_mark", None), getattr(e, "problem", None)
    if mark is None or not problem:
        return " ".join(str(e).split())
    where = f"line {mark.line + 1}, column {mark.column + 1}"
    context, cmark = getattr(e, "context", None), getattr(e, "context_mark", None)
    opened = f" ({context} at line {cmark.line + 1})" if context and cmark is not None else ""
    return f"{where}: {problem}{opened}"


def load_plan(path: str | Path) -> Plan:
    path = Path(path)
    try:
        if not path.exists():
            raise FileNotFoundError(path)
        text = read_text(path)  # a link out of the workspace is refused, never read
    except UnsafeFile as e:
        raise PlanError(str(e)) from None
    except FileNotFoundError:
        raise PlanError(f"{path}: not found; a workspace needs inputs/plan.yaml") from None
    try:
        data = safe_yaml_load(text, name=str(path))
    except yaml.YAMLError as e:
        raise PlanError(f"{path}: not valid YAML: {yaml_problem(e)}") from None
    return parse_plan(data)


def workspace_plan(root) -> Plan:
    """The workspace's plan.yaml, parsed once per process and again only when it changes."""
    path = Path(root) / "inputs" / "plan.yaml"
    return _cached_plan(str(path.resolve()), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _cached_plan(path: str, mtime_ns: int) -> Plan:
    return load_plan(path)
