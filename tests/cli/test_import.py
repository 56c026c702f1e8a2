#!/usr/bin/env python3
"""roster import and log import: encodings, layouts, all-or-nothing (also
past the first 20,000-row staging batch)."""

import json
import os
import sqlite3
import unittest

import zs
from zs import ZsTestCase

HEADER = "日期,填报单位,姓名,职务,固定电话,移动电话,开始,结束,带班"


def leader(v):
    # roster list --format json gives "是"/"yes" today; a boolean is fine too.
    return v in (True, "是", "yes", "true")


# --- XLSX made here: the minimal parts, spelled out ---------------------------

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
# Cell formats: s="1" a date (built-in 14), s="2" a time (custom h:mm),
# s="3" a date and time (built-in 22).
STYLES = ('<styleSheet xmlns="%s"><numFmts count="1"><numFmt numFmtId="164" formatCode="h:mm"/></numFmts>'
          '<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="22"/>'
          '</cellXfs></styleSheet>' % MAIN_NS)


def col_name(i):
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


def xml_text(t):
    return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xlsx_bytes(rows, date1904=False):
    """A workbook whose first sheet holds rows: {row number: [cell, ...]}
    (or a list, numbered from 1).  A cell is None (no cell: a gap), a str
    (a shared string), ("inline", text), a number, ("date"|"time"|"datetime",
    serial) or ("bool", 0/1)."""
    import io
    import zipfile
    if isinstance(rows, list):
        rows = {i + 1: r for i, r in enumerate(rows)}
    shared, index = [], {}
    out = []
    for rn in sorted(rows):
        cells = []
        for ci, v in enumerate(rows[rn]):
            ref = "%s%d" % (col_name(ci), rn)
            if v is None:
                continue
            if isinstance(v, str):
                if v not in index:
                    index[v] = len(shared)
                    shared.append(v)
                cells.append('<c r="%s" t="s"><v>%d</v></c>' % (ref, index[v]))
            elif isinstance(v, tuple) and v[0] == "inline":
                cells.append('<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, xml_text(v[1])))
            elif isinstance(v, tuple) and v[0] == "bool":
                cells.append('<c r="%s" t="b"><v>%d</v></c>' % (ref, v[1]))
            elif isinstance(v, tuple):
                cells.append('<c r="%s" s="%d"><v>%r</v></c>' % (ref, {"date": 1, "time": 2, "datetime": 3}[v[0]], v[1]))
            else:
                cells.append('<c r="%s"><v>%r</v></c>' % (ref, v))
        out.append('<row r="%d">%s</row>' % (rn, "".join(cells)))
    sheet = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="%s"><sheetData>%s</sheetData></worksheet>' % (
        MAIN_NS, "".join(out))
    sst = '<sst xmlns="%s">%s</sst>' % (MAIN_NS, "".join("<si><t>%s</t></si>" % xml_text(t) for t in shared))
    book = ('<workbook xmlns="%s" xmlns:r="%s"><workbookPr%s/><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/>'
            '</sheets></workbook>' % (MAIN_NS, REL_NS, ' date1904="1"' if date1904 else ""))
    rels = ('<Relationships xmlns="%s">'
            '<Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="%s/styles" Target="styles.xml"/>'
            '<Relationship Id="rId3" Type="%s/sharedStrings" Target="sharedStrings.xml"/>'
            '</Relationships>' % (PKG_NS, REL_NS, REL_NS, REL_NS))
    root = ('<Relationships xmlns="%s"><Relationship Id="rId1" Type="%s/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>' % (PKG_NS, REL_NS))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("_rels/.rels", root)
        z.writestr("xl/workbook.xml", book)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        z.writestr("xl/styles.xml", STYLES)
        z.writestr("xl/sharedStrings.xml", sst)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return buf.getvalue()


def zip_declared_size(data, entry, size):
    """data (a ZIP) with entry's unpacked size as written in its local
    header and in the central directory changed to size."""
    import struct
    import zipfile
    import io
    data = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(entry)
    struct.pack_into("<I", data, info.header_offset + 22, size)          # local header
    cd = data.find(b"PK\x01\x02")
    while cd >= 0:
        name_len = struct.unpack_from("<H", data, cd + 28)[0]
        if data[cd + 46:cd + 46 + name_len] == entry.encode():
            struct.pack_into("<I", data, cd + 24, size)                  # central directory
            break
        cd = data.find(b"PK\x01\x02", cd + 4)
    return bytes(data)


OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504

# 2026-03-15 as an Excel serial (1900 system) and in the 1904 system.
SERIAL_0315 = 46096
SERIAL_0315_1904 = 44634


class RosterImport(ZsTestCase):
    def setUp(self):
        super().setUp()
        self.init()

    def roster(self, *args):
        return self.env.ok("roster", "list", "--format", "json", *args).json()

    def imp(self, name, data, *args):
        return self.env.run("roster", "import", self.env.write(name, data), *args)

    def test_utf8(self):
        r = self.imp("r.csv", HEADER + "\n2026-03-15,执法稽查队,张建国,副队长,022-87654321,13812345678,19:00,23:30,是\n")
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("UTF-8", r.out)
        self.assertIn("新增 1 人次", r.out)
        self.assertIn("新建单位 1 个", r.out)
        rows = self.roster()
        self.assertEqual(len(rows), 1)
        x = rows[0]
        self.assertEqual((x["date"], x["unit"], x["name"], x["title"], x["mobile"]),
                         ("2026-03-15", "执法稽查队", "张建国", "副队长", "13812345678"))
        self.assertTrue(leader(x["leader"]))
        self.assertEqual(x["landline"].replace("-", ""), "02287654321")

    def test_utf8_with_bom(self):
        data = b"\xef\xbb\xbf" + (HEADER + "\n2026-03-15,执法稽查队,张建国,副队长,,13812345678,,,\n").encode()
        r = self.imp("bom.csv", data)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("BOM", r.out)
        rows = self.roster()
        self.assertEqual(rows[0]["date"], "2026-03-15")     # the BOM is not part of the 日期 header
        self.assertEqual(rows[0]["name"], "张建国")

    def test_gb18030_crlf(self):
        text = HEADER + "\r\n2026-03-15,食品经营监管科,欧阳娜娜,科长,,15012345678,19:00,23:30,否\r\n" \
                        "2026-03-15,食品经营监管科,王芳,科员,,15012345679,19:00,23:30,\r\n"
        r = self.imp("gb.csv", text.encode("gb18030"))
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("GB18030", r.out.upper())
        rows = self.roster()
        self.assertEqual(sorted(x["name"] for x in rows), ["欧阳娜娜", "王芳"])
        self.assertEqual({x["unit"] for x in rows}, {"食品经营监管科"})
        for x in rows:                       # no stray \r in the last column
            self.assertFalse(leader(x["leader"]))
            self.assertNotIn("\r", json.dumps(x))

    def test_quoted_fields_with_commas_and_newlines(self):
        text = (HEADER + "\n"
                '2026-03-15,"执法稽查队",赵敏,"值班员,接线",,18612345678,20:00,23:00,\n'
                '2026-03-15,执法稽查队,"钱七","副队长\n兼带班",,13512345678,20:00,23:00,\n'
                '2026-03-15,执法稽查队,"周""八""",科员,,13512345679,20:00,23:00,\n')
        r = self.imp("q.csv", text)
        self.assertEqual(r.rc, 0, repr(r))
        rows = {x["name"]: x for x in self.roster()}
        self.assertEqual(set(rows), {"赵敏", "钱七", '周"八"'})
        self.assertEqual(rows["赵敏"]["title"], "值班员,接线")
        self.assertIn("副队长", rows["钱七"]["title"])
        self.assertIn("兼带班", rows["钱七"]["title"])
        self.assertNotIn("\n", rows["钱七"]["title"])      # one-line field

    def test_columns_by_header_in_any_order_without_optional_ones(self):
        text = ("移动电话,姓名,单位,职务,日期,固定电话,备用\n"
                "13812345678,张建国,执法稽查队,带班领导,2026-03-15,,x\n"
                "13912345678,李明,执法稽查队,科员,2026-03-15,,y\n")
        r = self.imp("o.csv", text)
        self.assertEqual(r.rc, 0, repr(r))
        rows = {x["name"]: x for x in self.roster()}
        self.assertEqual(rows["张建国"]["mobile"], "13812345678")
        # Without a 带班 column, a title that says so makes the duty leader.
        self.assertTrue(leader(rows["张建国"]["leader"]))
        self.assertFalse(leader(rows["李明"]["leader"]))
        # Without 开始/结束, the configured default shift 19:00-23:30.
        self.assertIn("19:00", rows["李明"]["shift_start"])
        self.assertIn("23:30", rows["李明"]["shift_end"])

    def test_default_shift_from_config(self):
        with open(self.env.config_path, "w") as f:
            f.write("[roster]\nshift_start = 18:00\nshift_end = 02:00\n")
        r = self.imp("o.csv", "日期,单位,姓名,职务,固定电话,移动电话\n2026-03-15,执法稽查队,李明,科员,,13912345678\n")
        self.assertEqual(r.rc, 0, repr(r))
        x = self.roster()[0]
        self.assertIn("18:00", x["shift_start"])
        self.assertIn("03-16", x["shift_end"])
        self.assertIn("02:00", x["shift_end"])

    def test_shift_crossing_midnight(self):
        r = self.imp("m.csv", HEADER + "\n2026-03-15,食品经营监管科,王芳,科长,,15012345678,22:00,02:00,是\n")
        self.assertEqual(r.rc, 0, repr(r))
        x = self.roster()[0]
        self.assertIn("03-15", x["shift_start"])
        self.assertIn("22:00", x["shift_start"])
        self.assertIn("03-16", x["shift_end"])
        self.assertIn("02:00", x["shift_end"])
        names = lambda now: [y["name"] for y in self.env.ok("roster", "list", "--now", "--format", "json", now=now).json()]
        self.assertEqual(names("2026-03-15 21:59"), [])
        self.assertEqual(names("2026-03-15 23:00"), ["王芳"])
        self.assertEqual(names("2026-03-16 01:30"), ["王芳"])
        self.assertEqual(names("2026-03-16 02:30"), [])
        # and the board shows who is on now
        b = self.env.ok("board", "--format", "json", now="2026-03-16 01:30").json()
        self.assertEqual([y["name"] for y in b["on_duty"]], ["王芳"])

    def test_reimport_updates_not_duplicates(self):
        first = HEADER + "\n2026-03-15,执法稽查队,张建国,副队长,,13812345678,19:00,23:30,是\n" \
                         "2026-03-15,执法稽查队,李明,科员,,13912345678,19:00,23:30,\n"
        self.assertEqual(self.imp("a.csv", first).rc, 0)
        second = HEADER + "\n2026-03-15,执法稽查队,张建国,副队长,,13800000000,19:00,23:59,是\n" \
                          "2026-03-15,执法稽查队,李明,科员,,13912345678,19:00,23:30,\n"
        r = self.imp("b.csv", second)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("新增 0 人次", r.out)
        self.assertIn("更新 2 人次", r.out)
        rows = {x["name"]: x for x in self.roster()}
        self.assertEqual(len(self.roster()), 2)
        self.assertEqual(rows["张建国"]["mobile"], "13800000000")
        self.assertIn("23:59", rows["张建国"]["shift_end"])
        units = self.env.ok("unit", "list", "--format", "json").json()
        self.assertEqual([u["name"] for u in units], ["执法稽查队"])

    def test_one_bad_row_imports_nothing(self):
        before = self.env.audit_rows()
        text = (HEADER + "\n"
                "2026-03-15,新单位甲所,张建国,副队长,,13812345678,19:00,23:30,是\n"
                "2026-03-15,新单位甲所,李明,科员,87654321,,19:00,23:30,\n"           # line 3: no area code
                "2026-03-15,新单位甲所,赵敏,科员,,13912345678,19:00,23:30,\n")
        r = self.imp("bad.csv", text)
        self.assertFails(r, 2, "第 3 行", "固定电话", "87654321")
        self.assertEqual(self.roster(), [])
        self.assertEqual(self.env.ok("unit", "list", "--format", "json").json(), [])   # no half-made unit
        self.assertEqual(self.env.audit_rows(), before)

    def test_every_bad_row_reported_with_line_number(self):
        text = (HEADER + "\n"
                '2026-03-15,A所,"多行\n姓名",科员,,13812345678,19:00,23:30,\n'       # lines 2-3, fine
                "2026-03-15,A所,乙,科员,,12812345678,19:00,23:30,\n"                   # line 4: mobile 12...
                "2026-02-30,A所,丙,科员,,13912345678,19:00,23:30,\n"                   # line 5: no such date
                "2026-03-15,A所,丁,科员,,,19:00,23:30,\n"                              # line 6: no phone
                "2026-03-15,A所,戊,科员,,13912345670,7pm,23:30,\n"                     # line 7: bad start
                "2026-03-15,A所,己,科员,,13912345671,19:00,23:30,也许\n")               # line 8: leader?
        r = self.imp("bad.csv", text)
        self.assertFails(r, 2, "第 4 行", "第 5 行", "第 6 行", "第 7 行", "第 8 行", "移动电话")
        self.assertNotIn("第 2 行", r.err)
        self.assertNotIn("第 3 行", r.err)
        self.assertEqual(self.roster(), [])
        r = self.env.run("roster", "import", self.env.path("bad.csv"), lang="en")
        self.assertFails(r, 2, "line 4", "line 8")

    def test_skip_bad_imports_the_good_rows(self):
        text = (HEADER + "\n"
                "2026-03-15,执法稽查队,张建国,副队长,,13812345678,19:00,23:30,是\n"
                "2026-03-15,执法稽查队,李明,科员,,1391234567,19:00,23:30,\n"
                "2026-03-15,执法稽查队,赵敏,科员,,13912345678,19:00,23:30,\n")
        r = self.imp("bad.csv", text, "--skip-bad")
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("第 3 行", r.err)                  # still reported
        self.assertIn("新增 2 人次", r.out)
        self.assertEqual(sorted(x["name"] for x in self.roster()), ["张建国", "赵敏"])
        self.assertIsNotNone(self.env.audit_rows())

    def test_blank_rows_from_excel_are_ignored(self):
        text = ("日期,单位,姓名,职务,固定电话,移动电话\r\n"
                "2026-03-15,执法稽查队,李明,科员,,13912345678\r\n"
                "\r\n,,,,,\r\n,,,,,\r\n")
        r = self.imp("blank.csv", text)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertEqual(len(self.roster()), 1)

    def test_header_cells_trimmed_and_quoted(self):
        r = self.imp("sp.csv", ' 日期 ,"单位", 姓名,职务,固定电话,移动电话\n2026-03-15,A所,乙,科员,,13512345679\n')
        self.assertEqual(r.rc, 0, repr(r))
        self.assertEqual(self.roster()[0]["unit"], "A所")

    def test_text_is_sanitised(self):
        text = HEADER + "\n2026-03-15,执法稽查队,\x1b[31m张建国\u202e,副队长\x07,,13812345678,,,\n"
        r = self.imp("esc.csv", text)
        self.assertEqual(r.rc, 0, repr(r))
        x = self.roster()[0]
        self.assertEqual(zs.bad_chars(x["name"] + x["title"]), [])
        self.assertIn("张建国", x["name"])

    def test_landline_with_extension(self):
        r = self.imp("ext.csv", HEADER + "\n2026-03-15,执法稽查队,张建国,副队长,0571-8765432转123,,19:00,23:30,\n")
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("123", self.roster()[0]["landline"])

    def xlsx_roster(self, date1904=False):
        day = SERIAL_0315_1904 if date1904 else SERIAL_0315
        return xlsx_bytes({
            1: ["日期", "填报单位", "姓名", "职务", "固定电话", "移动电话", "开始", "结束", "带班"],
            2: [("date", day), "执法稽查队", ("inline", "张建国"), "副队长", None, 13812345678,
                ("time", 0.7916666666666666), ("time", 0.9791666666666666), "是"],
            3: [],                                                    # a blank row
            5: [("date", day), "执法稽查队", "李明", ("inline", "科员"), "022-87654321", None,
                ("time", 0.8125), ("time", 0.9375), "否"],
        }, date1904=date1904)

    def test_xlsx(self):
        """Shared and inline strings, a date cell, time cells, a gap in the
        cell references (no 固定电话 cell), a number for the mobile phone."""
        r = self.imp("r.xlsx", self.xlsx_roster())
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("XLSX", r.out)
        self.assertIn("新增 2 人次", r.out)
        rows = {x["name"]: x for x in self.roster()}
        x = rows["张建国"]
        self.assertEqual((x["date"], x["unit"], x["title"], x["mobile"], x["landline"]),
                         ("2026-03-15", "执法稽查队", "副队长", "13812345678", ""))
        self.assertIn("T19:00:00", x["shift_start"])
        self.assertIn("T23:30:00", x["shift_end"])
        self.assertTrue(leader(x["leader"]))
        y = rows["李明"]
        self.assertEqual((y["title"], y["landline"].replace("-", "")), ("科员", "02287654321"))
        self.assertIn("T19:30:00", y["shift_start"])
        self.assertFalse(leader(y["leader"]))

    def test_xlsx_1904_date_system(self):
        r = self.imp("r1904.xlsx", self.xlsx_roster(date1904=True))
        self.assertEqual(r.rc, 0, repr(r))
        self.assertEqual({x["date"] for x in self.roster()}, {"2026-03-15"})

    def test_xlsx_by_content_whatever_the_name(self):
        r = self.imp("from-wps.csv", self.xlsx_roster())      # a ZIP is a workbook, whatever its name
        self.assertEqual(r.rc, 0, repr(r))
        self.assertEqual(len(self.roster()), 2)

    def test_xlsx_bad_row_named_by_its_row_number(self):
        data = xlsx_bytes({1: HEADER.split(","),
                           2: ["2026-03-15", "执法稽查队", "张建国", "副队长", None, "13812345678"],
                           7: ["2026-03-15", "执法稽查队", "李明", "科员", None, 12812345678]})
        before = self.env.audit_rows()
        r = self.imp("bad.xlsx", data)
        self.assertFails(r, 2, "第 7 行", "移动电话")
        self.assertNotIn("第 2 行", r.err)
        self.assertEqual(self.roster(), [])
        self.assertEqual(self.env.audit_rows(), before)

    def test_xlsx_written_by_openpyxl(self):
        """A workbook a real writer made (openpyxl, as Excel writes: shared
        strings, dates and times by number format)."""
        openpyxl = zs.require_debian_module("openpyxl", "python3-openpyxl")
        import datetime
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(HEADER.split(","))
        ws.append([datetime.date(2026, 3, 15), "食品经营监管科", "欧阳娜娜", "科长", "0571-8765432转123",
                   15012345678, datetime.time(18, 30), datetime.time(1, 0), "是"])
        ws.append([])
        ws.append([datetime.date(2026, 3, 15), "食品经营监管科", "王芳", "科员", None, "15012345679",
                   "19:00", "23:30", None])
        path = self.env.path("openpyxl.xlsx")
        wb.save(path)
        r = self.env.run("roster", "import", path)
        self.assertEqual(r.rc, 0, repr(r))
        rows = {x["name"]: x for x in self.roster()}
        self.assertEqual(set(rows), {"欧阳娜娜", "王芳"})
        self.assertEqual({x["date"] for x in rows.values()}, {"2026-03-15"})
        self.assertIn("T18:30:00", rows["欧阳娜娜"]["shift_start"])
        self.assertIn("2026-03-16T01:00:00", rows["欧阳娜娜"]["shift_end"])
        self.assertEqual(rows["欧阳娜娜"]["mobile"], "15012345678")

    def test_bad_workbooks_import_nothing(self):
        """.xls, a cut ZIP, a ZIP that is no workbook, an entry declaring
        600 MiB, one holding more than it declares: each a message naming
        the file and the fix, exit 2, nothing imported or audited."""
        good = self.xlsx_roster()
        import io
        import zipfile
        plain = io.BytesIO()
        with zipfile.ZipFile(plain, "w") as z:
            z.writestr("readme.txt", "not a workbook")
        cases = [
            ("old.xls", OLE_HEADER, ["旧版 Excel", "另存为 .xlsx 或 CSV"]),
            ("old-named.csv", OLE_HEADER, ["另存为 .xlsx 或 CSV"]),
            ("cut.xlsx", good[:len(good) // 2], ["已损坏或不完整"]),
            ("plain.xlsx", plain.getvalue(), ["不是 Excel 工作簿", "另存为 .xlsx 或 CSV"]),
            ("text.xlsx", (HEADER + "\n").encode(), ["不是 XLSX 文件"]),
            ("bomb.xlsx", zip_declared_size(good, "xl/worksheets/sheet1.xml", 600 * 1024 * 1024),
             ["xl/worksheets/sheet1.xml", "600 MiB", "512 MiB", "CSV"]),
            ("liar.xlsx", zip_declared_size(good, "xl/worksheets/sheet1.xml", 100), ["已损坏"]),
        ]
        before = self.env.audit_rows()
        for name, data, needles in cases:
            with self.subTest(name):
                r = self.imp(name, data)
                self.assertFails(r, 2, name, *needles)
                self.assertEqual(self.roster(), [])
        self.assertEqual(self.env.ok("unit", "list", "--format", "json").json(), [])
        self.assertEqual(self.env.audit_rows(), before)
        r = self.env.run("roster", "import", self.env.path("old.xls"), lang="en")
        self.assertFails(r, 2, "save it as .xlsx or CSV")


LOG_HEADER = "received_at,channel,kind,caller,phone,subject,uscc,category,summary,ref"


class LogImport(ZsTestCase):
    def setUp(self):
        super().setUp()
        self.init()

    def imp(self, name, data, **kw):
        return self.env.run("log", "import", self.env.write(name, data), **kw)

    def test_progress_on_a_terminal_only(self):
        # Long enough to pass the one-second mark (about 3 s here, more
        # under sanitizers; PostgreSQL imports slower, so a tenth of the
        # rows takes it about 5 s); on a terminal's stderr a progress line,
        # into a pipe none.
        n = 25000 if zs.PG else 250000
        path = self.env.path("big.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write(LOG_HEADER + "\n")
            for i in range(n):
                f.write("2026-03-15 %02d:%02d,web,complaint,,,某公司%d,,food,投诉第%d件要求退款,\n" % (i % 20, i % 60, i, i))
        import pty
        import subprocess
        import time
        master, slave = pty.openpty()
        start = time.monotonic()
        p = subprocess.run([zs.BIN, "--db", self.env.db, "log", "import", path], stdout=subprocess.PIPE,
                           stderr=slave, env=self.env.environ(), timeout=600)
        took = time.monotonic() - start
        os.close(slave)
        err = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            err += chunk
        os.close(master)
        self.assertEqual(p.returncode, 0, err)
        self.assertIn("已导入 %d 件" % n, p.stdout.decode())
        err = err.decode("utf-8", "replace")
        if took > 1.5:
            self.assertRegex(err, r"导入：\d+ 行，每秒 \d+ 行，约 \d+%，还要约 ")
            self.assertTrue(err.rstrip("\r\n").endswith("\x1b[K"), repr(err[-80:]))   # cleared at the end
        # Into a pipe: not a byte of progress.
        r = self.env.run("log", "import", path)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertNotIn("每秒", r.err)
        self.assertNotIn("\r", r.err)

    def indexes(self):
        if zs.PG:
            return sorted(self.env.query("SELECT indexname::text, indexdef FROM pg_indexes "
                                         "WHERE schemaname = 'public' AND tablename = 'intake' "
                                         "AND indexname NOT LIKE '%\\_pkey'"))
        con = sqlite3.connect(self.env.db)
        try:
            return sorted(con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                      "AND tbl_name = 'intake'").fetchall())
        finally:
            con.close()

    def test_large_import_builds_the_indexes_after_its_rows(self):
        """An import of 10,000 rows or more into a smaller table drops
        intake's secondary indexes and makes them again after its rows
        (core/intake_import.c, store/bulk.c): the same indexes, defined as
        the schema says, the rows found through them; a refused one leaves
        them too; a re-import skips every row by its reference."""
        self.env.add("--channel", "web", "--kind", "tip", "--text", "已有的一件")
        fresh = self.indexes()
        self.assertGreaterEqual(len(fresh), 10)
        n = 12000
        rows = ["2026-03-15 %02d:%02d,8890,complaint,,1391234%04d,某公司%d,,food,投诉第%d件,R-%d"
                % (i % 20, i % 60, i % 10000, i, i, i) for i in range(n)]
        self.assertEqual(self.imp("big.csv", LOG_HEADER + "\n" + "\n".join(rows) + "\n").rc, 0)
        self.assertEqual(self.indexes(), fresh)
        if zs.PG:
            self.assertEqual(self.env.query("SELECT count(*) FROM intake WHERE phone = '13912340007' AND phone <> ''"),
                             [(2,)])
            self.assertEqual(self.env.query("SELECT sum(n) FROM intake_tally"), [(n + 1,)])
        else:
            con = sqlite3.connect(self.env.db)
            try:
                self.assertEqual(con.execute("PRAGMA integrity_check").fetchone(), ("ok",))
                self.assertEqual(con.execute("SELECT count(*) FROM intake INDEXED BY intake_phone "
                                             "WHERE phone = '13912340007' AND phone <> ''").fetchone(), (2,))
                self.assertEqual(con.execute("SELECT sum(n) FROM intake_tally").fetchone(), (n + 1,))
            finally:
                con.close()
        # Again: every reference is there already, nothing added (intake_ref kept).
        r = self.imp("big.csv", LOG_HEADER + "\n" + "\n".join(rows) + "\n")
        self.assertIn("%d 件已存在" % n, r.out)
        # A bad last row after a batch went in without the indexes (20,000
        # a batch): nothing imported, the indexes as they were.
        more = ["2026-03-15 %02d:%02d,web,complaint,,,某店%d,,food,又一件%d,W-%d" % (i % 20, i % 60, i, i, i)
                for i in range(21000)]
        more.append("2026-03-15 20:41,tv,complaint,,,,,,坏渠道,")
        r = self.imp("bad.csv", LOG_HEADER + "\n" + "\n".join(more) + "\n")
        self.assertFails(r, 2, "第 %d 行" % (len(more) + 1), "tv")
        self.assertEqual(self.indexes(), fresh)
        self.assertEqual(len(self.env.intakes()), n + 1)

    def test_csv_english_header(self):
        text = (LOG_HEADER + "\n"
                "2026-03-15 20:05,12315-hotline,complaint,张三,13800000001,甲超市,,food,\"买到过期面包,要求赔偿\",H-1\n"
                "2026-03-15 20:10,8890,举报,,,乙餐馆,%s,catering,\"后厨脏乱\n有老鼠\",8890-1\n" % zs.USCC_OK)
        r = self.imp("en.csv", text)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("已导入 2 件", r.out)
        rows = self.env.intakes()
        self.assertEqual([x["id"] for x in rows], [2, 1])
        i1, i2 = self.env.intake(1), self.env.intake(2)
        self.assertEqual((i1["channel"], i1["kind"], i1["caller"], i1["phone"], i1["subject"], i1["category"],
                          i1["summary"], i1["ref"], i1["received_at"]),
                         ("12315-hotline", "complaint", "张三", "13800000001", "甲超市", "food",
                          "买到过期面包,要求赔偿", "H-1", "2026-03-15T20:05:00+08:00"))
        self.assertEqual((i2["kind"], i2["uscc"], i2["summary"]), ("tip", zs.USCC_OK, "后厨脏乱\n有老鼠"))
        imports = [a for a in self.env.audit("--entity", "intake") if a["action"] == "import"]
        self.assertEqual(len(imports), 1)
        self.assertEqual(json.loads(imports[0]["after"])["added"], 2)
        self.assertEqual(imports[0]["unix_user"], zs.OS_USER)

    def test_csv_chinese_header_any_order(self):
        text = ("内容摘要,渠道,类别,受理时间,来电人,来电号码,被投诉主体,统一社会信用代码,分类,工单号\n"
                "咨询退费,12345转办,咨询,2026-03-15 20:20,李四,13900000002,,,prepaid,12345-9\n")
        r = self.imp("zh.csv", text)
        self.assertEqual(r.rc, 0, repr(r))
        i = self.env.intake(1)
        self.assertEqual((i["channel"], i["kind"], i["summary"], i["ref"], i["category"]),
                         ("12345", "inquiry", "咨询退费", "12345-9", "prepaid"))

    def test_csv_gb18030_with_bom_less_crlf(self):
        text = (LOG_HEADER + "\r\n2026-03-15 20:05,web,投诉,欧阳娜娜,,,,,网站投诉内容,\r\n").encode("gb18030")
        r = self.imp("gb.csv", text)
        self.assertEqual(r.rc, 0, repr(r))
        i = self.env.intake(1)
        self.assertEqual((i["caller"], i["summary"]), ("欧阳娜娜", "网站投诉内容"))

    def test_json_lines(self):
        text = ('{"received_at":"2026-03-15 20:30","channel":"weibo","kind":"tip","summary":"微博举报直播间卖假货",'
                '"ref":"WB-7","category":"livestream"}\n'
                '\n'
                '{"received_at":"2026-03-15 20:31","channel":"政务网站","kind":"投诉","summary":"网站投诉",'
                '"phone":"010-12345678","caller":null}\n'
                '{"受理时间":"2026-03-15 20:32","渠道":"来信","类别":"咨询","内容摘要":"来信咨询"}\r\n')
        r = self.imp("j.jsonl", text)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("已导入 3 件", r.out)
        i = self.env.intake(2)
        self.assertEqual((i["channel"], i["kind"], i["phone"]), ("web", "complaint", "01012345678"))
        self.assertEqual(self.env.intake(3)["channel"], "letter")
        self.assertEqual(self.env.intake(1)["ref"], "WB-7")

    def test_blank_rows_are_ignored(self):
        r = self.imp("lb.csv", "received_at,channel,kind,summary\r\n2026-03-15 20:00,web,tip,a\r\n,,,\r\n\r\n")
        self.assertEqual(r.rc, 0, repr(r))
        self.assertEqual(len(self.env.intakes()), 1)

    def test_reimport_same_channel_and_ref_is_skipped(self):
        text = (LOG_HEADER + "\n"
                "2026-03-15 20:05,12315-hotline,complaint,,,,,,第一件,H-1\n"
                "2026-03-15 20:06,8890,complaint,,,,,,第二件,H-1\n")
        self.assertEqual(self.imp("a.csv", text).rc, 0)
        self.assertEqual(len(self.env.intakes()), 2)
        more = text + "2026-03-15 20:07,8890,complaint,,,,,,第三件,H-2\n"
        r = self.imp("b.csv", more)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("已导入 1 件", r.out)
        self.assertIn("跳过 2 件", r.out)
        self.assertEqual([x["summary"] for x in self.env.intakes()], ["第三件", "第二件", "第一件"])
        # the same in JSON Lines
        r = self.imp("c.jsonl", '{"received_at":"2026-03-15 20:05","channel":"12315-hotline","kind":"complaint",'
                                '"summary":"又来一次","ref":"H-1"}\n')
        self.assertEqual(r.rc, 0, repr(r))
        self.assertEqual(len(self.env.intakes()), 3)
        # a log add with the same ref is not an import: nothing is skipped there
        self.env.add("--channel", "12315-hotline", "--kind", "tip", "--text", "x", "--ref", "H-9")
        self.assertEqual(len(self.env.intakes()), 4)

    def test_all_or_nothing_with_line_numbers(self):
        self.env.add("--channel", "web", "--kind", "tip", "--text", "已有的一件")
        before = self.env.audit_rows()
        text = ("received_at,channel,kind,summary\n"
                "2026-03-15 20:40,web,complaint,\"好的一行\n跨两行\"\n"           # lines 2-3
                "2026-03-15 20:41,tv,complaint,坏渠道\n"                         # line 4
                "2026-03-15 20:42,web,complaint,\n"                              # line 5
                "2026-03-15 20:43,web,complaint,好的\n"
                "2026-03-15 25:00,web,complaint,坏时间\n"                        # line 7
                ",web,complaint,没有时间\n"                                      # line 8
                "2026-03-16 20:00,web,complaint,将来\n")                          # line 9
        r = self.imp("bad.csv", text)
        self.assertFails(r, 2, "第 4 行", "tv", "第 5 行", "内容摘要", "第 7 行", "第 8 行", "第 9 行")
        self.assertNotIn("第 2 行", r.err)
        self.assertNotIn("第 6 行", r.err)
        self.assertEqual(len(self.env.intakes()), 1)
        self.assertEqual(self.env.audit_rows(), before)

    def test_bad_row_after_a_full_staging_batch_imports_nothing(self):
        """Rows are moved from staging into intake 20,000 at a time; a bad
        row after the first batch has been moved must still undo it: the
        whole import is one transaction, so nothing is added and no audit
        row is written."""
        self.env.add("--channel", "web", "--kind", "tip", "--text", "已有的一件")
        before = self.env.audit_rows()
        good = 20005                                   # one full batch (20,000) and 5 more
        rows = ["2026-03-15 20:%02d,web,complaint,第%d件" % (k % 60, k) for k in range(good)]
        text = "received_at,channel,kind,summary\n" + "\n".join(rows) + "\n2026-03-15 20:59,tv,complaint,坏渠道\n"
        r = self.imp("big.csv", text)
        self.assertFails(r, 2, "1 行有错，没有导入任何一行", "第 %d 行" % (good + 2), "tv")
        self.assertEqual(r.out, "")
        left = [x["summary"] for x in self.env.intakes()]
        self.assertEqual(len(left), 1, "%d intakes after a failed import (first: %s)" % (len(left), left[:3]))
        self.assertEqual(left, ["已有的一件"])
        self.assertEqual(self.env.audit_rows(), before)

    def test_json_lines_bad_line_numbers(self):
        text = ('{"received_at":"2026-03-15 20:30","channel":"web","kind":"tip","summary":"好"}\n'
                'not json\n'
                '{"received_at":"2026-03-15 20:31","channel":"web","kind":"tip","summary":123.5}\n'
                '["an array"]\n'
                '{"received_at":"2026-03-15 20:32","channel":"web","kind":"打听","summary":"坏类别"}\n')
        r = self.imp("bad.jsonl", text)
        self.assertFails(r, 2, "第 2 行", "第 3 行", "第 4 行", "第 5 行")
        self.assertNotIn("第 1 行", r.err)
        self.assertEqual(self.env.intakes(), [])

    def test_xlsx(self):
        """A date-and-time cell for 受理时间, Chinese headers, a gap."""
        data = xlsx_bytes([["受理时间", "渠道", "类别", "被投诉主体", "内容摘要", "工单号"],
                           [("datetime", SERIAL_0315 + 0.84375), "web", "complaint", None, "买到过期面包", ("inline", "W-1")],
                           [("datetime", SERIAL_0315 + 0.85), "web", "tip", "甲超市", ("inline", "无证经营"), None]])
        r = self.imp("log.xlsx", data)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("已导入 2 件", r.out)
        got = {i["summary"]: i for i in self.env.intakes()}
        self.assertEqual(set(got), {"买到过期面包", "无证经营"})
        a = self.env.intake(got["买到过期面包"]["id"])
        self.assertIn("20:15", a["received_at"])
        self.assertEqual(a["ref"], "W-1")
        self.assertEqual(self.env.intake(got["无证经营"]["id"])["subject"], "甲超市")

    def test_export_xlsx_imports_back(self):
        """log export's workbook (libxlsxwriter) is a log import file: the
        intakes come back whole; the one with a 工单号 is skipped as known."""
        e = self.env
        e.add("--channel", "12315-hotline", "--kind", "complaint", "--text", "买到过期面包，要求赔偿",
              "--phone", "13812345678", "--caller", "张三", "--subject", "甲超市", "--at", "2026-03-15 20:05")
        e.add("--channel", "web", "--kind", "tip", "--text", "无证经营", "--ref", "W-7", "--at", "2026-03-15 20:30")
        out = e.path("night.xlsx")
        e.ok("log", "export", "--format", "xlsx", "-o", out, "--with-pii")
        r = e.run("log", "import", out)
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("已导入 1 件", r.out)
        self.assertIn("跳过 1 件", r.out)
        rows = [i for i in e.intakes() if i["summary"] == "买到过期面包，要求赔偿"]
        self.assertEqual(len(rows), 2)
        a, b = (e.intake(i["id"]) for i in rows)
        for k in ("received_at", "channel", "kind", "subject", "summary", "phone", "caller"):
            self.assertEqual(a[k], b[k], k)

    def test_bad_workbooks_import_nothing(self):
        self.env.add("--channel", "web", "--kind", "tip", "--text", "已有的一件")
        before = self.env.audit_rows()
        good = xlsx_bytes([["received_at", "channel", "kind", "summary"],
                           ["2026-03-15 20:00", "web", "tip", "好"]])
        for name, data, needle in [("old.xls", OLE_HEADER, "另存为 .xlsx 或 CSV"),
                                   ("cut.xlsx", good[:200], "已损坏或不完整"),
                                   ("bomb.xlsx", zip_declared_size(good, "xl/worksheets/sheet1.xml", 1 << 31), "512 MiB")]:
            with self.subTest(name):
                self.assertFails(self.imp(name, data), 2, needle)
        self.assertEqual(len(self.env.intakes()), 1)
        self.assertEqual(self.env.audit_rows(), before)
        # A bad row of a workbook undoes the good ones, named by row number.
        bad = xlsx_bytes({1: ["received_at", "channel", "kind", "summary"],
                          2: ["2026-03-15 20:00", "web", "tip", "好"],
                          4: ["2026-03-15 20:01", "tv", "tip", "坏渠道"]})
        self.assertFails(self.imp("bad.xlsx", bad), 2, "第 4 行", "tv")
        self.assertEqual(len(self.env.intakes()), 1)

    def test_imported_text_is_sanitised(self):
        text = LOG_HEADER + "\n2026-03-15 20:05,web,tip,\x1b]0;pwned\x07王\u202e五,,\x1b[2J公司,,,\x1b[31m内容\x9b,\n"
        r = self.imp("esc.csv", text)
        self.assertEqual(r.rc, 0, repr(r))
        i = self.env.intake(1)
        for k in ("caller", "subject", "summary"):
            self.assertEqual(zs.bad_chars(i[k]), [], (k, i[k]))
        self.assertIn("[2J", i["subject"])


if __name__ == "__main__":
    unittest.main()
