"""What a user can cause, and the code the command line and the build exit with for it.

Every error a person can cause and fix (a file, plan.yaml, a template, the command line) is an RcmError:
its message says what is wrong and how to fix it, and its exit_code is what `rcm-docs` returns. A failed
build step records the same fields in its log (step_record), which the last-good keeper reads back; so the
command line and the build describe a failure one way.

Exit codes: 0 done; 1 an input cannot be used (a rejected submission, plan.yaml, a registry, a narrative, a
template, an unsafe file); 2 the command line is wrong (no such file, period or country); 3 unexpected (a bug:
run with RCM_DEBUG=1 and report it)."""
from __future__ import annotations

import json

OK, INPUT, USAGE, UNEXPECTED = 0, 1, 2, 3


class RcmError(Exception):
    """An error a user can cause and fix; the message names the file and what to do."""

    exit_code = INPUT


class InputError(RcmError):
    """An input (a file of the workspace, or one given on the command line) cannot be used."""

    exit_code = INPUT


class UsageError(RcmError):
    """The command line names something that is not there or not allowed."""

    exit_code = USAGE


def exit_code(e: BaseException) -> int:
    if isinstance(e, RcmError):
        return e.exit_code
    if isinstance(e, FileNotFoundError):  # a file gone between the check and the read
        return INPUT
    return UNEXPECTED


def one_line(e: BaseException) -> str:
    """The message a user sees: the error's own for an RcmError, its type beside it otherwise."""
    text = " ".join(str(e).split())
    return text if isinstance(e, (RcmError, FileNotFoundError)) else f"unexpected {type(e).__name__}: {text}"


def step_record(step: str, seconds: float, cpu: float | None = None, error: BaseException | None = None,
                timings: dict | None = None) -> str:
    """One build step's log: a JSON object (step, outcome, seconds, and for a failure the error's type, exit
    code and message), so that nothing has to match the text of a message."""
    record = {"step": step, "outcome": "failed" if error is not None else "done", "seconds": round(seconds, 2)}
    if cpu is not None:
        record["cpu_seconds"] = round(cpu, 2)
    if error is not None:
        record |= {"error": type(error).__name__, "exit_code": exit_code(error), "message": str(error)}
    if timings:
        record["timings"] = {k: round(v, 3) for k, v in timings.items()}
    return json.dumps(record, indent=1, ensure_ascii=False) + "\n"


def read_step_record(text: str) -> dict | None:
    """A step log written by step_record, or None for anything else (an old log, a truncated one)."""
    try:
        record = json.loads(text)
    except ValueError:
        return None
    return record if isinstance(record, dict) and "outcome" in record else None
