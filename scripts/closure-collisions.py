#!/usr/bin/env python3
"""Finds closures the compiler gave one name, so that one runs in place of the other.

Swift 6.3.1 can give a closure written inside a macro's argument (`#expect(log.contains { … })`)
the same discriminator as another closure of the same type in the same enclosing closure. Both
then lower to one function, and the second closure silently runs the first one's body: a
`log.filter { $0.method == "PATCH" }` next to `#expect(log.contains { $0.status == 429 })`
counts the 429s. In a test that is an assertion checking something other than what it says.

The check: compile every Swift file of the given targets to SIL (the same command line the build
uses, with `-emit-silgen` instead of `-c`), and report every closure function that is referenced
from two different source positions: one closure literal has exactly one.

Usage: python3 scripts/closure-collisions.py [TARGET ...]   (default: every test target)
Exit status: 0 when there is none, 1 when there are (each is listed), 2 when the check could not run.
"""
import json
import os
import re
import shlex
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

ROOT = os.environ.get("PACKAGE_ROOT") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# A closure literal's function: the mangled name ends in its discriminator, `fU_` or `fU<n>_`
# (autoclosures, `fu`, are the compiler's own and are left out).
CLOSURE = re.compile(r"function_ref @(\S*fU\d*_)\b[^\n]*?, loc \"([^\"]+)\":(\d+):(\d+)")


def sources(targets):
    """Every Swift file of the targets, as absolute paths."""
    found = set()
    for target in targets:
        for base, _, files in os.walk(os.path.join(ROOT, "Tests", target)):
            found.update(os.path.abspath(os.path.join(base, name)) for name in files if name.endswith(".swift"))
    return found


def compile_commands(targets):
    """The build's swift-frontend command lines for the targets' files, one per primary file.

    `BUILD_LOG` may name the output of the `swift build --build-tests -v` that just built them
    (scripts/test keeps it): when it has a command for every file, nothing is compiled twice.
    Otherwise the files are touched, so that `swift build -v` prints their commands again."""
    log = os.environ.get("BUILD_LOG")
    if log and os.path.exists(log):
        with open(log, encoding="utf-8", errors="replace") as f:
            commands = commands_in(f.read(), targets)
        missing = sources(targets) - {os.path.abspath(p) for p in commands}
        if not missing:
            return sorted(commands.items())
        sys.stderr.write("closure-collisions: %s lacks %d file(s) (an incremental build); compiling them again\n" % (log, len(missing)))
    for path in sources(targets):
        os.utime(path)
    build = subprocess.run(["swift", "build", "--build-tests", "-v"], cwd=ROOT, capture_output=True, text=True)
    if build.returncode != 0:
        sys.stderr.write(build.stdout[-3000:] + build.stderr[-3000:])
        sys.exit(2)
    return sorted(commands_in(build.stdout, targets).items())


def commands_in(output, targets):
    """The SIL command for each primary file of the targets in `swift build -v`'s output."""
    commands = {}
    for line in output.splitlines():
        if " -frontend -c " not in line or "-primary-file" not in line:
            continue
        args = shlex.split(line)
        module = args[args.index("-module-name") + 1]
        if module not in targets:
            continue
        for primary in [args[i + 1] for i, a in enumerate(args) if a == "-primary-file"]:
            commands.setdefault(primary, silgen_command(args, primary))
    return commands


def silgen_command(args, primary):
    """The compile command turned into one that prints the SIL of `primary` alone."""
    out, i = [], 0
    pairs = {"-o", "-emit-dependencies-path", "-emit-reference-dependencies-path", "-serialize-diagnostics-path",
             "-index-store-path", "-emit-const-values-path", "-supplementary-output-file-map"}
    while i < len(args):
        a = args[i]
        if a in pairs:
            i += 2
            continue
        if a == "-primary-file":
            out += ["-primary-file", primary] if args[i + 1] == primary else [args[i + 1]]
            i += 2
            continue
        if a in ("-index-system-modules",):
            i += 1
            continue
        out.append("-emit-silgen" if a == "-c" else a)
        i += 1
    return out


def collisions(primary, command):
    """Closure functions referenced from more than one source position in this file's SIL."""
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        return primary, None, run.stderr[-2000:]
    sites = {}
    for name, file, line, column in CLOSURE.findall(run.stdout):
        sites.setdefault(name, set()).add((file, int(line), int(column)))
    found = {name: sorted(s) for name, s in sites.items() if len(s) > 1}
    return primary, found, None


def describe(primary, file, line, column):
    """A closure's position as a person finds it: a macro's expansion buffer named by the macro
    and the line it is written on (its name holds them, counted from 0)."""
    if file.startswith("@__swiftmacro_"):
        at = re.search(r"MX(\d+)_(\d+)_", file)
        macro = re.search(r"\d+(expect|require)fMf", file)
        if at:
            return "in the #%s at line %d" % (macro.group(1) if macro else "macro", int(at.group(1)) + 1)
    return "at line %d:%d" % (line, column) if os.path.abspath(file) == os.path.abspath(primary) else "at %s:%d:%d" % (file, line, column)


def main():
    targets = sys.argv[1:] or sorted(d for d in os.listdir(os.path.join(ROOT, "Tests"))
                                     if os.path.isdir(os.path.join(ROOT, "Tests", d)) and d.endswith("Tests"))
    commands = compile_commands(targets)
    if not commands:
        sys.stderr.write("closure-collisions: found no compile commands for %s\n" % ", ".join(targets))
        return 2
    bad = 0
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for primary, found, error in pool.map(lambda c: collisions(*c), commands):
            if error is not None:
                sys.stderr.write("closure-collisions: could not compile %s to SIL:\n%s\n" % (primary, error))
                return 2
            for name, sites in sorted(found.items()):
                bad += 1
                where = "; ".join(describe(primary, f, l, c) for f, l, c in sites)
                print("%s: one function for the closures %s" % (os.path.relpath(primary, ROOT), where))
    print("closure-collisions: %d file(s) of %s checked, %d shared closure function(s)" % (len(commands), ", ".join(targets), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
