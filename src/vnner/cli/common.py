"""What the verbs share: input errors, messages, model loading with the CLI's exit codes, safe output."""

from __future__ import annotations

import argparse
import sys


class InputError(Exception):
    """Input the user must fix (exit status 2)."""


def fail(message, status: int) -> int:
    print(f"vnner: error: {message}", file=sys.stderr)
    return status


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def add_model_options(p: argparse.ArgumentParser, *, many: bool = False) -> None:
    if many:
        # extend: "--model a --model b" scores both (a plain nargs="+" would keep only the last)
        p.add_argument("--model", dest="models", nargs="+", action="extend", default=None, metavar="MODEL",
                       help="checkpoint directories or Hub ids; 'default' is the embedded model (default)")
    else:
        p.add_argument("--model", default=None, help="checkpoint directory or Hub id (default: the embedded model)")
    p.add_argument("--batch-size", type=positive_int, default=32)
    p.add_argument("--device", default=None, help="cpu, cuda, cuda:1 ... (default: cuda if available)")
    p.add_argument("--threads", type=positive_int, default=None,
                   help="CPU threads per process for an exported model (default: the cores, shared among --workers)")


def load(name: str | None, device: str | None, threads: int | None = None, *, cache: bool = True):
    """A model, or a one-line error and exit status 1 (2 for a missing local path)."""
    from vnner import ModelError, load_model

    try:  # None and "default" are the embedded model
        return load_model(name, device=device, threads=threads, cache=cache)
    except FileNotFoundError as exc:
        raise InputError(exc) from None
    except (ModelError, OSError, RuntimeError, ValueError) as exc:
        raise ModelLoadError(exc) from None


class ModelLoadError(Exception):
    """A model that cannot be loaded or run (exit status 1)."""


def write_text(out, text: str) -> None:
    """Write, escaping lone surrogates (from JSON input) rather than failing on them."""
    try:
        out.write(text)
    except UnicodeEncodeError:
        out.write(text.encode("utf-8", "backslashreplace").decode("utf-8"))
