#!/usr/bin/env python3
"""The manual pages cannot fall behind the program (issue 15).

Every command `zhishou --help` lists has its section in doc/zhishou.1.scd
("## zhishou CMD") naming every long option that command's --help lists;
every key src/util/config.c accepts is under its [section] in
doc/zhishou.conf.5.scd; every relay.conf key (src/net/relayconf.c), every
feed field a map.FIELD may rename (src/net/feed.c) and every event
(relay_event_names) is in doc/zhishou-relay.8.scd.  What is checked is read
from the program and its sources, never from a list kept here, so a new
command, option, key or event fails this test until it is documented.

Then the pages meson built (ZHISHOU_MAN_DIR) must exist and, where man(1)
is installed, render without a single warning from groff.

Environment: ZHISHOU_BIN (the built zhishou), ZHISHOU_MAN_DIR (build/doc).
"""
import os
import pathlib
import re
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOC = ROOT / "doc"
PAGES = ["zhishou.1", "zhishou.conf.5", "zhishou-relay.8"]


def scd_text(name):
    """The page's source with scdoc's escapes (\\_ \\*) undone."""
    text = (DOC / (name + ".scd")).read_text(encoding="utf-8")
    return re.sub(r"\\(.)", r"\1", text)


def sections(text, level):
    """{heading: body} for the headings of one level ("#" or "##")."""
    out = {}
    pat = re.compile(r"^" + re.escape(level) + r" (.+)$", re.M)
    heads = list(pat.finditer(text))
    for i, m in enumerate(heads):
        # A section ends at the next heading of this level or above.
        end = len(text)
        for n in re.finditer(r"^#{1,%d} " % len(level), text[m.end():], re.M):
            end = m.end() + n.start()
            break
        out[m.group(1).strip()] = text[m.end():end]
    return out


def mentions(body, word):
    """word appears as a whole term (not inside a longer option or key)."""
    return re.search(r"(?<![A-Za-z0-9_.-])" + re.escape(word) + r"(?![A-Za-z0-9_-])", body) is not None


def run(*args):
    r = subprocess.run([os.environ["ZHISHOU_BIN"], "--lang", "en", *args], capture_output=True, text=True,
                       env=dict(os.environ, LANG="C.UTF-8"))
    if r.returncode != 0:
        raise SystemExit("zhishou %s exited %d: %s" % (" ".join(args), r.returncode, r.stderr))
    return r.stdout


# ---- what the program and the sources say exists ---------------------------

def program_commands():
    """{command: [--long options]} from zhishou --help and each CMD --help."""
    top = run("--help")
    cmds = {}
    for line in top.splitlines():
        m = re.match(r"  ([a-z][a-z0-9-]*(?: [a-z][a-z0-9-]*)?)\s{2,}\S", line)
        if m:
            cmds[m.group(1)] = []
    if len(cmds) < 20:
        raise SystemExit("zhishou --help listed only %d commands; did its layout change?" % len(cmds))
    for cmd in cmds:
        out = run(*cmd.split(), "--help")
        opts = out.split("options:", 1)[1] if "options:" in out else ""
        for line in opts.splitlines():
            m = re.match(r"  (?:-[A-Za-z], )?(--[a-z][a-z0-9-]*)", line)
            if m:
                cmds[cmd].append(m.group(1))
    return cmds


def global_options():
    usage = run("--help").split("usage:", 1)[1].splitlines()[0]
    return sorted(set(re.findall(r"--[a-z][a-z-]*", usage)) | {"--help", "--version"})


def c_source(rel):
    text = (ROOT / rel).read_text(encoding="utf-8")
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)


def config_keys():
    """[(section, key)] config.c accepts: IS("section", "key") in its handler."""
    keys = re.findall(r'\bIS\("([a-z_]+)",\s*"([a-z_]+)"\)', c_source("src/util/config.c"))
    if len(keys) < 15:
        raise SystemExit("found only %d keys in src/util/config.c; did its handler change?" % len(keys))
    return keys


def function_body(text, name):
    m = re.search(r"\n(?:static )?[a-z_ ]+\*?\b" + name + r"\([^)]*\)\n\{(.*?)\n\}", text, re.S)
    if not m:
        raise SystemExit("no function %s in the source; did it move?" % name)
    return m.group(1)


def relay_keys():
    """{page section: [keys]} relayconf.c accepts, by the function that reads them."""
    src = c_source("src/net/relayconf.c")
    keys = {}
    for fn, section in (("relay_key", "[relay]"), ("robot_key", "[robot.NAME]"), ("feed_key", "[feed.NAME]")):
        body = function_body(src, fn)
        found = re.findall(r'\{ "([a-z_]+)",', body) + re.findall(r'strn?cmp\(name, "([a-z_.]+)"', body)
        keys[section] = sorted(set(k.rstrip(".") for k in found))
    if sum(len(v) for v in keys.values()) < 15:
        raise SystemExit("found only %d keys in src/net/relayconf.c" % sum(len(v) for v in keys.values()))
    return keys


def c_array_names(rel, array_pattern, item_pattern):
    """The quoted names in one C array initialiser of a source file."""
    m = re.search(array_pattern + r"\s*=\s*\{(.*?)\};", c_source(rel), re.S)
    names = re.findall(item_pattern, m.group(1)) if m else []
    if len(names) < 5:
        raise SystemExit("the array %s was not found in %s; did it move?" % (array_pattern, rel))
    return names


def relay_events():
    return c_array_names("src/net/relayconf.c", r"relay_event_names\[[^]]*\]", r'"([a-z_]+)"')


def feed_fields():
    return c_array_names("src/net/feed.c", r"\}\s*map_fields\[\]", r'\{ "([a-z_]+)",')


# ---- the checks (each returns what is missing) ------------------------------

def missing_commands(page, cmds, globals_):
    missing = []
    top = sections(page, "#")
    for opt in globals_:
        if not mentions(top.get("GLOBAL OPTIONS", ""), opt):
            missing.append("global option %s (# GLOBAL OPTIONS)" % opt)
    secs = sections(top.get("COMMANDS", ""), "##")
    for cmd, opts in cmds.items():
        body = secs.get("zhishou " + cmd)
        if body is None:
            missing.append("command %s (## zhishou %s)" % (cmd, cmd))
            continue
        missing += ["%s of zhishou %s" % (o, cmd) for o in opts if not mentions(body, o)]
    return missing


def missing_config(page, keys):
    secs = sections(page, "#")
    missing = []
    for section, key in keys:
        body = secs.get("[%s]" % section)
        if body is None or not re.search(r"^\*" + re.escape(key) + r"\*", body, re.M):
            missing.append("[%s] %s" % (section, key))
    return missing


def missing_relay(page, keys, events, fields):
    top = sections(page, "#")
    conf = sections(top.get("CONFIGURATION", ""), "##")
    missing = []
    for section, names in keys.items():
        body = conf.get(section, "")
        missing += ["%s %s" % (section, k) for k in names if not re.search(r"^\*" + re.escape(k) + r"[.*]", body, re.M)]
    feed = conf.get("[feed.NAME]", "")
    missing += ["[feed.NAME] map.%s" % f for f in fields if not mentions(feed, "map." + f)]
    ev = top.get("EVENTS", "")
    missing += ["event %s" % e for e in events if not re.search(r"^\*" + re.escape(e) + r"\*", ev, re.M)]
    return missing


def self_test(page1, cmds, globals_, page5, keys5, page8, keys8, events, fields):
    """The checks notice what is missing: remove one thing, expect it named."""
    cmd = next(c for c, o in cmds.items() if o)
    opt = cmds[cmd][0]
    no_opt = re.sub(r"(?<![A-Za-z0-9_.-])" + re.escape(opt) + r"(?![A-Za-z0-9_-])", "--gone", page1)
    assert "%s of zhishou %s" % (opt, cmd) in missing_commands(no_opt, cmds, globals_), "a dropped option went unnoticed"
    no_cmd = page1.replace("## zhishou %s\n" % cmd, "## something else\n")
    assert "command %s (## zhishou %s)" % (cmd, cmd) in missing_commands(no_cmd, cmds, globals_)
    section, key = keys5[-1]
    no_key = re.sub(r"^\*" + re.escape(key) + r"\*", "*gone*", page5, flags=re.M)
    assert "[%s] %s" % (section, key) in missing_config(no_key, keys5), "a dropped key went unnoticed"
    new_keys = keys5 + [("general", "a_key_not_documented")]
    assert "[general] a_key_not_documented" in missing_config(page5, new_keys)
    no_event = re.sub(r"^\*" + re.escape(events[0]) + r"\*", "*gone*", page8, flags=re.M)
    assert "event " + events[0] in missing_relay(no_event, keys8, events, fields)
    new_keys8 = dict(keys8, **{"[relay]": keys8["[relay]"] + ["a_key_not_documented"]})
    assert "[relay] a_key_not_documented" in missing_relay(page8, new_keys8, events, fields)


# ---- the built pages ---------------------------------------------------------

def check_built():
    problems = []
    man_dir = pathlib.Path(os.environ["ZHISHOU_MAN_DIR"])
    man = shutil.which("man")
    for name in PAGES:
        path = man_dir / name
        if not path.is_file() or path.stat().st_size < 1000 or not path.read_text(encoding="utf-8").startswith(".\\\""):
            problems.append("%s was not built by meson (or is not a man page)" % path)
            continue
        if not man:
            continue
        r = subprocess.run([man, "--warnings", "-l", str(path)], capture_output=True, text=True,
                           env=dict(os.environ, LANG="C.UTF-8", MANWIDTH="80", MAN_KEEP_FORMATTING="", PAGER="cat"))
        if r.returncode != 0 or r.stderr.strip():
            problems.append("man -l %s: exit %d\n%s" % (path, r.returncode, r.stderr.strip()))
        elif name.split(".")[0] not in r.stdout:
            problems.append("man -l %s rendered nothing recognisable" % path)
    if not man:
        print("man(1) not installed: rendering not checked (the pages were built)")
    return problems


def main():
    cmds = program_commands()
    globals_ = global_options()
    page1, page5, page8 = (scd_text(p) for p in PAGES)
    keys5, keys8 = config_keys(), relay_keys()
    events, fields = relay_events(), feed_fields()
    self_test(page1, cmds, globals_, page5, keys5, page8, keys8, events, fields)

    missing = missing_commands(page1, cmds, globals_)
    missing += ["zhishou.conf(5): " + m for m in missing_config(page5, keys5)]
    missing += ["zhishou-relay(8): " + m for m in missing_relay(page8, keys8, events, fields)]
    problems = check_built()
    for m in missing:
        print("not documented: " + m)
    for p in problems:
        print(p)
    if missing or problems:
        print("FAIL: write what is missing into doc/*.scd (scdoc(5)); see README \"Manual pages\"")
        return 1
    print("ok: %d commands, %d options, %d configuration keys, %d relay keys, %d events, %d feed fields, %d pages"
          % (len(cmds), sum(len(o) for o in cmds.values()), len(keys5), sum(len(v) for v in keys8.values()),
             len(events), len(fields), len(PAGES)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
