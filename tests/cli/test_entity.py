#!/usr/bin/env python3
"""The credit desk's market-entity register: entity import and entity search.

Registers are small CSVs written here, in the encodings the registration
systems' exports arrive in (UTF-8, UTF-8 with BOM, GBK, CRLF)."""

import os
import sqlite3
import unittest

import zs
from zs import ZsTestCase

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc(first17):
    """first17 with its GB 32100 check character."""
    s = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS))
    return first17 + ALPHABET[(31 - s % 31) % 31]


def bad_uscc(first17):
    good = uscc(first17)
    return good[:17] + ALPHABET[(ALPHABET.index(good[17]) + 1) % 31]


HEADER = "统一社会信用代码,名称,类型,法定代表人,住所,登记机关,管辖单位,成立日期,登记状态,经营范围,曾用名,许可证号,是否ODR企业"

C1 = uscc("91120101MA05L0001")   # 老王酸菜 (exact name)
C2 = uscc("91120101MA05L0002")   # 老王酸菜鱼馆 (name prefix)
C3 = uscc("92120101MA05L0003")   # 天津老王酸菜店 (name contains)
C4 = uscc("91120101MA05L0004")   # former name 老王酸菜坊
C5 = uscc("91120101MA05L0005")   # address on 老王酸菜巷
C6 = uscc("91120101MA05L0006")   # 注销: only with --all
C7 = uscc("91120101MA05L0007")   # a branch of a food company, another station

ROWS = [
    (C1, "老王酸菜", "个体工商户", "王一", "和平区南京路1号", "和平区市场监管局", "南市市场监管所", "2015-03-01",
     "存续（在营、开业、在册）", "餐饮服务", "", "JY11201010000011", "是"),
    (C2, "老王酸菜鱼馆", "个体工商户", "王二", "和平区南京路2号", "和平区市场监管局", "南市市场监管所", "2016/4/2",
     "在业", "餐饮服务;酸菜鱼", "", "", "否"),
    (C3, "天津老王酸菜店", "个体工商户", "王三", "和平区滨江道3号", "和平区市场监管局", "劝业场市场监管所", "",
     "存续", "预包装食品销售;酱腌菜", "", "", ""),
    (C4, "天津和平福满楼餐饮有限公司", "有限责任公司", "赵四", "和平区滨江道4号", "和平区市场监管局", "劝业场市场监管所",
     "2010-01-01", "存续", "餐饮服务", "老王酸菜坊", "", ""),
    (C5, "天津和平某某便利店", "个体工商户", "钱五", "和平区老王酸菜巷5号", "和平区市场监管局", "南市市场监管所",
     "2019-09-09", "存续", "预包装食品销售;散装食品销售", "", "", ""),
    (C6, "老王酸菜批发部", "个体工商户", "孙六", "和平区南京路6号", "和平区市场监管局", "南市市场监管所", "2001-01-01",
     "注销", "酱腌菜批发", "", "", ""),
    (C7, "天津某某食品有限公司和平分公司", "有限责任公司分公司", "李七", "和平区小白楼7号", "和平区市场监管局",
     "小白楼市场监管所", "2018-05-06", "在业", "预包装食品销售", "", "", ""),
]


def csv_text(rows, header=HEADER, eol="\n"):
    def q(v):
        return '"%s"' % v.replace('"', '""') if ("," in v or '"' in v) else v
    return eol.join([header] + [",".join(q(v) for v in r) for r in rows]) + eol


class Entity(ZsTestCase):
    def setUp(self):
        super().setUp()
        self.init()
        for u in ("南市市场监管所", "劝业场市场监管所", "小白楼市场监管所"):
            self.env.ok("unit", "add", u)

    def imp(self, data, *args, name="register.csv"):
        return self.env.run("entity", "import", self.env.write(name, data), *args)

    def search(self, *args):
        return self.env.ok("entity", "search", *args, "--format", "json").json()

    def codes(self, *args):
        return [e["uscc"] for e in self.search(*args)]

    def entities(self):
        return self.env.scalar("SELECT count(*) FROM entity")

    def schema(self):
        """The register's indexes and search tables as sqlite_master has them
        (on PostgreSQL: its tables and indexes as pg_class has them)."""
        if zs.PG:
            return sorted(self.env.query(
                "SELECT c.relkind::text, c.relname::text, coalesce(pg_get_indexdef(c.oid), '') FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public' "
                "LEFT JOIN pg_index i ON i.indexrelid = c.oid LEFT JOIN pg_class t ON t.oid = i.indrelid "
                "WHERE c.relkind IN ('r', 'i') AND coalesce(t.relname, c.relname) IN "
                "('entity', 'entity_order', 'entity_gram')"))
        con = sqlite3.connect(self.env.db)
        try:
            return sorted(con.execute("SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN "
                                      "('entity', 'entity_order', 'entity_gram') AND type <> 'trigger'").fetchall())
        finally:
            con.close()

    # --- import ---------------------------------------------------------

    def test_import_leaves_the_schemas_indexes(self):
        """An import drops entity's secondary indexes before its rows and
        makes them again after (store/bulk.c, from sqlite_master's text):
        the same indexes, defined the same, after an import and after one
        refused midway (rolled back whole)."""
        fresh = self.schema()
        self.assertIn("entity_name", [x[1] for x in fresh])
        self.assertEqual(self.imp(csv_text(ROWS), "--as-of", "2026-03-01").rc, 0)
        self.assertEqual(self.schema(), fresh)
        rows = list(ROWS)
        rows[5] = (bad_uscc("91120101MA05L0006"),) + rows[5][1:]
        self.assertEqual(self.imp(csv_text(rows), name="bad.csv").rc, 2)
        self.assertEqual(self.schema(), fresh)
        # The index still finds what it found (two characters: entity_gram).
        self.assertEqual(self.codes("酸菜"), [C3, C1, C2, C4, C5])
        if not zs.PG:
            temp = sqlite3.connect(self.env.db)
            try:
                self.assertEqual(temp.execute("PRAGMA integrity_check").fetchone(), ("ok",))
            finally:
                temp.close()

    def test_encodings(self):
        """UTF-8, UTF-8 with BOM, GBK and CRLF registers read the same."""
        text = csv_text(ROWS)
        for label, data in (("utf8", text.encode("utf-8")),
                            ("bom", b"\xef\xbb\xbf" + text.encode("utf-8")),
                            ("gbk", text.encode("gbk")),
                            ("crlf", csv_text(ROWS, eol="\r\n").encode("gbk"))):
            with self.subTest(label):
                r = self.imp(data, name=label + ".csv")
                self.assertEqual(r.rc, 0, repr(r))
                self.assertIn("7 户", r.out)
                self.assertEqual(self.entities(), 7)
                hit = self.search(C1)
                self.assertEqual(len(hit), 1)
                self.assertEqual(hit[0]["name"], "老王酸菜")
                self.assertEqual(hit[0]["state"], "存续")
                self.assertEqual(hit[0]["unit"], "南市市场监管所")
        self.assertIn("GB18030", self.imp(text.encode("gbk"), "--as-of", "2026-03-01", name="g2.csv").out)

    def test_xlsx_register(self):
        """The registration system's export saved as a workbook: the same
        import, 成立日期 a date cell; a bad check character in it refused
        whole with its Excel row named."""
        from test_import import xlsx_bytes
        header = HEADER.split(",")
        rows = [header] + [list(r) for r in ROWS]
        rows[1][7] = ("date", 42064)     # 2015-03-01 as Excel counts days
        r = self.imp(xlsx_bytes(rows), "--as-of", "2026-03-01", name="register.xlsx")
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("XLSX", r.out)
        self.assertEqual(self.entities(), 7)
        card = self.env.ok("entity", "show", C1, "--format", "json").json()
        self.assertEqual(card["founded"], "2015-03-01")
        before = self.env.audit_rows()
        bad = [list(r) for r in rows]
        bad[3][0] = bad_uscc("92120101MA05L0003")
        r = self.imp(xlsx_bytes(bad), "--as-of", "2026-03-02", name="bad.xlsx")
        self.assertFails(r, 2, "第 4 行", "校验位不对", "没有导入任何一行")
        self.assertEqual(self.env.audit_rows(), before)

    def test_expose_local(self):
        """An exposure's companies find the entity, its branches and a
        former name; its keywords find active entities by name or scope;
        grouped by supervising unit; closed ones left out."""
        e = self.env
        r = e.run("expose", "local", "1")
        self.assertNotEqual(r.rc, 0)     # no exposure yet
        e.ok("expose", "add", "--title", "酸菜鱼使用土坑酸菜", "--aired", "20:10",
             "--companies", "天津某某食品有限公司;老王酸菜坊", "--keywords", "酸菜鱼;批发部")
        e.ok("expose", "add", "--title", "与本区无关的问题", "--aired", "20:20", "--companies", "外省某公司",
             "--keywords", "无此产品")
        r = e.run("expose", "local", "1")
        self.assertNotEqual(r.rc, 0)     # no register imported yet: says how to import one
        self.assertIn("还没有导入市场主体登记册", r.err)
        self.assertEqual(self.imp(csv_text(ROWS), "--as-of", "2026-03-01").rc, 0)
        rows = e.ok("expose", "local", "1", "--format", "json").json()
        got = {x["uscc"]: x["found_by"] for x in rows}
        self.assertEqual(got, {C7: "企业：天津某某食品有限公司", C4: "企业：老王酸菜坊", C2: "关键词：酸菜鱼"})
        self.assertEqual([x["unit"] for x in rows], sorted(x["unit"] for x in rows))
        table = e.ok("expose", "local", "1").out
        self.assertIn("本地找到 3 户，分属 3 个管辖单位", table)
        self.assertNotIn(C6, table)      # 批发部 names only a closed one
        r = e.ok("expose", "local", "2")
        self.assertIn("没有找到本地涉事主体", r.out)
        self.assertFails(e.run("expose", "local", "99"), 2, "没有编号为 99 的曝光问题")
        self.assertEqual(e.ok("expose", "local", "2", "--format", "json").json(), [])

    def test_demo_night_finds_what_its_register_promises(self):
        """init --demo imports data/demo/register.csv; expose local finds on
        it what tools/gen_demo_register.py planted (its PROMISE): the
        酸菜 exposure 9, the bread one 7, the live-streaming one nothing."""
        e = self.env
        demo = e.other_db("demo.db")
        r = e.run("init", "--demo", db=demo, env={"ZHISHOU_NOW": None})
        self.assertEqual(r.rc, 0, repr(r))
        titles = {x["id"]: x["title"] for x in
                  e.ok("expose", "list", "--all", "--format", "json", db=demo, env={"ZHISHOU_NOW": None}).json()}
        def found(word):
            eid = [i for i, t in titles.items() if word in t][0]
            return e.ok("expose", "local", str(eid), "--format", "json", db=demo, env={"ZHISHOU_NOW": None}).json()
        self.assertEqual(len(found("酸菜")), 9)
        self.assertEqual(len(found("面包")), 7)
        self.assertEqual(found("直播"), [])

    def test_bad_check_character_refused_whole(self):
        self.assertEqual(self.imp(csv_text(ROWS), "--as-of", "2026-03-01").rc, 0)
        before = self.env.audit_rows()
        rows = list(ROWS)
        rows[2] = (bad_uscc("92120101MA05L0003"),) + rows[2][1:]
        rows[4] = rows[4][:8] + ("营业中",) + rows[4][9:]
        r = self.imp(csv_text(rows), name="bad.csv")
        self.assertFails(r, 2, "第 4 行", "校验位不对", "第 6 行", "登记状态「营业中」", "没有导入任何一行")
        self.assertNotIn("第 2 行", r.err)
        # The previous register stands, untouched; nothing audited.
        self.assertEqual(self.entities(), 7)
        self.assertEqual(self.env.audit_rows(), before)
        self.assertEqual(self.codes(C3), [C3])

    def test_skip_bad(self):
        rows = list(ROWS)
        rows[0] = (bad_uscc("91120101MA05L0001"),) + rows[0][1:]
        r = self.imp(csv_text(rows), "--skip-bad")
        self.assertEqual(r.rc, 0, repr(r))
        self.assertIn("第 2 行", r.err)
        self.assertIn("6 户", r.out)
        self.assertIn("跳过错误行 1 行", r.out)
        self.assertEqual(self.entities(), 6)

    def test_duplicate_code_is_a_bad_row(self):
        rows = list(ROWS) + [(C1,) + ROWS[1][1:]]
        r = self.imp(csv_text(rows))
        self.assertFails(r, 2, "第 9 行", C1)
        self.assertEqual(self.entities(), 0)

    def test_old_registration_number(self):
        header = HEADER.replace("统一社会信用代码", "注册号")
        rows = [("120101600123456",) + ROWS[0][1:]]
        self.assertEqual(self.imp(csv_text(rows, header=header)).rc, 0)
        self.assertEqual(self.codes("老王"), ["120101600123456"])
        r = self.imp(csv_text([("12345",) + ROWS[0][1:]], header=header), name="r2.csv")
        self.assertFails(r, 2, "第 2 行", "注册号「12345」")
        # Exports also put an old record's 注册号 under 统一社会信用代码.
        rows = [("120101600123457",) + ROWS[0][1:], ROWS[1]]
        self.assertEqual(self.imp(csv_text(rows), name="r3.csv").rc, 0)
        self.assertEqual(self.codes("老王"), ["120101600123457", C2])
        r = self.imp(csv_text([("1201016001234",) + ROWS[0][1:], ("12010160012345",) + ROWS[1][1:]]), name="r4.csv")
        self.assertFails(r, 2, "第 3 行", "「12010160012345」")
        self.assertNotIn("第 2 行", r.err)

    def test_same_file_twice_changes_nothing(self):
        path = self.env.write("register.csv", csv_text(ROWS))
        self.env.ok("entity", "import", path, "--as-of", "2026-03-10")
        before = self.env.audit_rows()
        r = self.env.ok("entity", "import", path, "--as-of", "2026-03-10")
        self.assertIn("没有变化", r.out)
        self.assertEqual(self.env.audit_rows(), before)
        self.assertEqual(self.env.scalar("SELECT count(*) FROM register_snapshot"), 1)

    def test_import_replaces_and_records_the_snapshot(self):
        self.env.ok("entity", "import", self.env.write("a.csv", csv_text(ROWS)), "--as-of", "2026-03-01")
        r = self.env.ok("entity", "import", self.env.write("b.csv", csv_text(ROWS[:2])), "--as-of", "2026-03-10")
        self.assertIn("截至 2026-03-10", r.out)
        self.assertEqual(self.entities(), 2)
        self.assertEqual(self.codes(C3), [])
        # The text index is the new register's: no word of an old row is
        # found (3+ characters: the FTS index; 1-2: LIKE on the rows).
        self.assertEqual(self.codes("天津老王酸菜店"), [])
        self.assertEqual(self.codes("滨江道"), [])
        self.assertEqual(self.codes("--scope", "散装食品"), [])
        self.assertEqual(self.codes("老王酸菜鱼"), [C2])
        audit = [a for a in self.env.audit() if a.get("entity") == "register"]
        self.assertEqual(len(audit), 2, audit)
        row = self.env.query("SELECT as_of, rows, imported_by FROM register_snapshot ORDER BY id DESC")[0]
        self.assertEqual(row[0], "2026-03-10")
        self.assertEqual(row[1], 2)
        self.assertTrue(row[2])

    def test_as_of_defaults_to_the_files_date(self):
        path = self.env.write("register.csv", csv_text(ROWS))
        # 2026-03-09 20:00 UTC is 2026-03-10 04:00 in Asia/Shanghai, the
        # display zone (the test's TZ is New York: its day is the 9th).
        os.utime(path, (1773086400, 1773086400))
        r = self.env.ok("entity", "import", path)
        self.assertIn("截至 2026-03-10", r.out)

    def test_non_admin_refused(self):
        u = self.env.add_other_member("王五", "operator")
        if not u:
            self.skipTest("needs root to run as another Unix user")
        path = self.env.write("register.csv", csv_text(ROWS))
        os.chmod(path, 0o644)
        r = self.env.run("entity", "import", path, user=u)
        self.assertFails(r, 3)
        self.assertEqual(self.entities(), 0)

    def test_bad_input(self):
        before = self.env.audit_rows()
        cases = [
            (("entity", "import", self.env.path("missing.csv")), "missing.csv"),
            (("entity", "import", self.env.dir), "文件夹"),
            (("entity", "import", self.env.write("nohdr.csv", "名称,住所\n老王,南京路\n")), "统一社会信用代码"),
            (("entity", "import", self.env.write("nounit.csv", "统一社会信用代码,名称,住所,登记状态\n")), "管辖单位"),
            (("entity", "import", self.env.write("ok.csv", csv_text(ROWS)), "--as-of", "2026-13-40"), "--as-of"),
            (("entity", "import", self.env.write("empty.csv", HEADER + "\n")), "没有市场主体"),
            (("entity", "search", "老王", "--unit", "不存在的所"), "不存在的所"),
            (("entity", "search"), "--scope"),
            (("entity", "search", "老王", "--limit", "-1"), "--limit"),
        ]
        for args, needle in cases:
            with self.subTest(args=args):
                r = self.env.run(*args)
                self.assertNotEqual(r.rc, 0, repr(r))
                self.assertIn(needle, r.err)
                self.assertEqual(r.out, "")
        self.assertEqual(self.entities(), 0)
        self.assertEqual(self.env.audit_rows(), before)

    # --- search ---------------------------------------------------------

    def test_ranking(self):
        self.imp(csv_text(ROWS))
        # exact name, name prefix, name contains, former name, then the
        # address; the cancelled one left out (within a rank, by name).
        self.assertEqual(self.codes("老王酸菜"), [C1, C2, C3, C4, C5])
        self.assertEqual(self.codes("老王酸菜", "--all"), [C1, C6, C2, C3, C4, C5])
        # One character, two, and the person.
        self.assertIn(C7, self.codes("楼"))
        self.assertEqual(self.codes("李七"), [C7])
        self.assertEqual(self.codes("分公司"), [C7])

    def test_uscc_whole_and_prefix(self):
        self.imp(csv_text(ROWS))
        self.assertEqual(self.codes(C4), [C4])
        self.assertEqual(self.codes(C4.lower()), [C4])
        self.assertEqual(self.codes("9212"), [C3])
        # A code prefix lists in code order (entity.h), not by name.
        self.assertEqual(self.codes("91120101MA05L"), [C1, C2, C4, C5, C7])

    def test_scope_all_unit(self):
        self.imp(csv_text(ROWS))
        self.assertEqual(sorted(self.codes("--scope", "预包装食品")), sorted([C3, C5, C7]))
        self.assertEqual(sorted(self.codes("--scope", "酱腌菜")), [C3])
        self.assertEqual(sorted(self.codes("--scope", "酱腌菜", "--all")), sorted([C3, C6]))
        self.assertEqual(self.codes("和平", "--scope", "食品", "--unit", "xbl"), [C7])
        self.assertEqual(sorted(self.codes("--scope", "食品", "--unit", "劝业场")), [C3])
        # The scope is searched only with --scope.
        self.assertEqual(self.codes("散装食品"), [])

    def test_no_register_yet(self):
        r = self.env.ok("entity", "search", "老王")
        self.assertIn("登记册还没有导入", r.err)
        self.imp(csv_text(ROWS))
        r = self.env.ok("entity", "search", "没有这家")
        self.assertNotIn("登记册还没有导入", r.err)

    def test_limit_hint_and_table(self):
        self.imp(csv_text(ROWS))
        r = self.env.ok("entity", "search", "和平", "--limit", "2")
        self.assertEqual(len(r.out.splitlines()), 4, r.out)
        self.assertIn("--limit", r.err + r.out)
        self.assertIn("统一社会信用代码", r.out)

    # --- the card -------------------------------------------------------

    def test_show(self):
        self.env.write("roster.csv", "日期,填报单位,姓名,职务,固定电话,移动电话,开始,结束,带班\n"
                       "2026-03-15,南市市场监管所,张建国,所长,022-87654321,13812345678,19:00,23:30,是\n"
                       "2026-03-15,南市市场监管所,李明,科员,,13912345678,19:00,23:30,否\n"
                       "2026-03-15,劝业场市场监管所,周八,所长,,13712345678,19:00,23:30,是\n")
        self.env.ok("roster", "import", self.env.path("roster.csv"))
        self.imp(csv_text(ROWS), "--as-of", "2026-03-14")
        # By its code tonight, by its code last week, by its name (no code
        # given), and two that name another business.
        self.env.add("--channel", "12315-hotline", "--kind", "complaint", "--text", "酸菜不新鲜", "--uscc", C1)
        self.env.add("--channel", "12315-hotline", "--kind", "complaint", "--text", "上周的事", "--uscc", C1,
                     "--at", "2026-03-08 10:00")
        self.env.add("--channel", "12315-hotline", "--kind", "tip", "--text", "后厨脏", "--subject", "老王酸菜")
        self.env.add("--channel", "12315-hotline", "--kind", "tip", "--text", "别家", "--subject", "老王酸菜",
                     "--uscc", C2)
        self.env.add("--channel", "12315-hotline", "--kind", "tip", "--text", "无关", "--subject", "老王酸菜鱼馆")
        card = self.env.ok("entity", "show", C1.lower(), "--format", "json").json()
        self.assertEqual(card["uscc"], C1)
        self.assertEqual(card["unit"], "南市市场监管所")
        self.assertEqual(card["licences"], "JY11201010000011")
        self.assertTrue(card["odr"])
        self.assertEqual([x["name"] for x in card["leaders"]], ["张建国"])
        self.assertTrue(card["leaders_on_shift"])
        self.assertEqual(card["intakes_ever"], 3)
        self.assertEqual(card["intakes_tonight"], 2)
        self.assertEqual(sorted(x["summary"] for x in card["intakes"]), ["上周的事", "后厨脏", "酸菜不新鲜"])
        self.assertEqual(card["register_as_of"], "2026-03-14")
        text = self.env.ok("entity", "show", C1).out
        for needle in ("名称：老王酸菜", "管辖单位：南市市场监管所", "今晚带班领导：张建国", "今晚 2 件，累计 3 件",
                       "登记状态：存续", "经营范围：餐饮服务", "截至 2026-03-14"):
            self.assertIn(needle, text)
        # Its former name on the card; no leader rostered for its unit.
        text = self.env.ok("entity", "show", C7).out
        self.assertIn("值班表里没有这个单位今天的带班领导", text)
        self.assertIn("曾用名：老王酸菜坊", self.env.ok("entity", "show", C4).out)
        r = self.env.run("entity", "show", "91120101MA05L9999X")
        self.assertFails(r, 2, "91120101MA05L9999X", "entity search")

    def test_show_linked_exposures(self):
        # The exposures the card names: one through an intake naming the
        # entity by its USCC, one where the register offered it as a
        # candidate; one linked only to another business is not its.
        self.imp(csv_text(ROWS), "--as-of", "2026-03-14")
        ids = []
        for title in ("酸菜坑腌制", "酸菜鱼后厨", "别的曝光"):
            ids.append(int(self.env.ok("expose", "add", "--title", title, "--companies", "某公司").out.split()[0]))
        self.env.add("--channel", "12315-hotline", "--kind", "complaint", "--text", "酸菜不新鲜", "--uscc", C1,
                     "--exposure", str(ids[0]))
        self.env.add("--channel", "12315-hotline", "--kind", "complaint", "--text", "别家", "--uscc", C2,
                     "--exposure", str(ids[2]))
        self.env.execute("INSERT INTO exposure_candidate (exposure_id, uscc, name, term, by_company) "
                         "VALUES (?, ?, '老王酸菜', '酸菜', 0)", ids[1], C1)
        card = self.env.ok("entity", "show", C1, "--format", "json").json()
        self.assertEqual([(x["id"], x["link"]) for x in card["exposures"]],
                         [(ids[0], "intake"), (ids[1], "candidate")])
        text = self.env.ok("entity", "show", C1).out
        self.assertIn("关联的曝光问题：2 个", text)
        self.assertIn("  #%d 酸菜鱼后厨" % ids[1], text)
        self.assertIn("本地涉及候选", text)
        self.assertNotIn("别的曝光", text)
        self.assertIn("关联的曝光问题：—", self.env.ok("entity", "show", C7).out)


class LocalInvolvement(ZsTestCase):
    """expose local ID --confirm/--withdraw/--none: the register's
    candidates kept on the exposure, what the desk confirms, the board's
    本地 N 户, the robots told names and counts only."""

    def setUp(self):
        super().setUp()
        self.init()
        for u in ("南市市场监管所", "劝业场市场监管所", "小白楼市场监管所", "食品安全监管科"):
            self.env.ok("unit", "add", u)
        r = self.env.run("entity", "import", self.env.write("register.csv", csv_text(ROWS)), "--as-of", "2026-03-01")
        self.assertEqual(r.rc, 0, repr(r))

    def local(self, eid, *args):
        return self.env.ok("expose", "local", str(eid), *args, "--format", "json").json()

    def db(self, sql, *args):
        return self.env.query(sql, *args)

    def add_exposure(self, **kw):
        args = ["expose", "add", "--title", kw.get("title", "某食品公司使用土坑酸菜"), "--aired", "20:10"]
        for k in ("companies", "keywords", "lead"):
            if k in kw:
                args += ["--" + k, kw[k]]
        return int(self.env.ok(*args).out.split()[0])

    def test_found_by_company_and_keyword_listed_once_as_the_company(self):
        """An entity a company and a keyword both find is one candidate,
        the company's finding (local_dedup keeps the first)."""
        eid = self.add_exposure(companies="老王酸菜", keywords="酸菜;老王")
        rows = self.local(eid)
        codes = [x["uscc"] for x in rows]
        self.assertEqual(len(codes), len(set(codes)))
        found = {x["uscc"]: x["found_by"] for x in rows}
        self.assertEqual(found[C1], "企业：老王酸菜")
        self.assertEqual(found[C2], "企业：老王酸菜")
        self.assertEqual(found[C3], "企业：老王酸菜")

    def test_branch_and_scope_found_when_recorded_then_confirmed(self):
        """The company has a local branch; the keyword is in local shops'
        经营范围: both found as the exposure is recorded; confirming two
        makes it 涉及（2 户）on its card, the board, the audit and the robots'
        outbox (names and count, no address or person)."""
        e = self.env
        eid = self.add_exposure(companies="天津某某食品有限公司", keywords="酱腌菜", lead="食品安全监管科")
        found = {x["uscc"]: x["found_by"] for x in self.local(eid)}
        self.assertEqual(found, {C7: "企业：天津某某食品有限公司", C3: "关键词：酱腌菜"})   # C6 (注销) left out
        self.assertEqual(self.db("SELECT candidates FROM exposure WHERE id = ?", eid), [(2,)])
        before = e.audit_rows()
        r = e.ok("expose", "local", str(eid), "--confirm", C7 + "," + C3.lower())
        self.assertIn("本地涉及：涉及（2 户）", r.out)
        self.assertIn("已确认 2 户", r.out)
        # The stations of the two (not the lead) offered as assist units.
        self.assertIn("可加为协办单位", r.out)
        self.assertIn("劝业场市场监管所", r.out.splitlines()[-1])
        self.assertIn("小白楼市场监管所", r.out.splitlines()[-1])
        self.assertEqual(e.audit_rows(), before + 1)
        rows = self.local(eid)
        self.assertEqual(sorted(x["uscc"] for x in rows if x["confirmed"]), sorted([C7, C3]))
        show = e.ok("expose", "show", str(eid)).out
        self.assertRegex(show, r"本地涉及：涉及（2 户），\S+ \d\d-\d\d \d\d:\d\d 核实")
        board = e.ok("board").out
        self.assertIn("本地：涉及（2 户）", board)
        j = e.ok("board", "--format", "json").json()
        self.assertEqual([x["local_count"] for x in j["exposures"] if x["id"] == eid], [2])
        audit = [a for a in e.audit("--entity", "exposure") if a["action"] == "local"]
        self.assertEqual(len(audit), 1)
        self.assertIn("天津老王酸菜店", audit[0]["after"])
        payloads = self.db("SELECT payload FROM outbox WHERE event = 'local_set' AND exposure_id = ?", eid)
        self.assertEqual(len(payloads), 1)
        import json
        p = json.loads(payloads[0][0])
        self.assertEqual((p["local"], p["count"]), ("yes", 2))
        self.assertIn("天津某某食品有限公司和平分公司", p["names"])
        for private in ("和平区小白楼7号", "王三", "李七", C3):
            self.assertNotIn(private, payloads[0][0])
        # The timeline says it with the names.
        card = e.exposure(eid)
        self.assertTrue(any("本地涉及核实：涉及（2 户）" in x["what"] for x in card["timeline"]), card["timeline"])

    def test_withdraw_and_none(self):
        e = self.env
        eid = self.add_exposure(companies="天津某某食品有限公司", keywords="酱腌菜")
        e.ok("expose", "local", str(eid), "--confirm", C7, "--confirm", C3)
        self.assertIn("涉及（1 户）", e.ok("expose", "local", str(eid), "--withdraw", C3).out)
        # 不涉及 by hand is refused while businesses are confirmed.
        self.assertFails(e.run("expose", "update", str(eid), "--local", "no"), 2, "已核实为 1 户", "--none")
        r = e.ok("expose", "local", str(eid), "--none")
        self.assertIn("本地涉及：不涉及", r.out)
        x = e.exposure(eid)
        self.assertEqual((x["local"], x["local_count"], x["status"]), ("no", 0, "no-local"))
        self.assertEqual(self.db("SELECT count(*) FROM exposure_local WHERE exposure_id = ?", eid), [(0,)])
        # Found after all: confirming reopens it for checking.
        e.ok("expose", "local", str(eid), "--confirm", C3)
        x = e.exposure(eid)
        self.assertEqual((x["local"], x["local_count"], x["status"]), ("yes", 1, "checking"))

    def test_bad_input_changes_nothing(self):
        e = self.env
        eid = self.add_exposure(companies="天津某某食品有限公司")
        e.ok("expose", "local", str(eid), "--confirm", C7)
        before = e.audit_rows()
        snap = self.db("SELECT * FROM exposure_local")
        outbox = self.db("SELECT count(*) FROM outbox")
        for args, needles in (
                (["--confirm", "91120101MA05L9999X"], ["91120101MA05L9999X", "登记册里没有"]),
                (["--confirm", C3, "--confirm", "91120101MA05L9999X"], ["91120101MA05L9999X"]),   # all or nothing
                (["--withdraw", C3], [C3, "没有被确认"]),
                (["--none", "--confirm", C3], ["--none"]),
                (["--confirm", C7], ["已经确认过"]),
                (["--confirm", ""], ["空"])):
            with self.subTest(args=args):
                self.assertFails(e.run("expose", "local", str(eid), *args), 2, *needles)
        self.assertFails(e.run("expose", "local", "99", "--confirm", C7), 2, "没有编号为 99 的曝光问题")
        self.assertEqual(e.audit_rows(), before)
        self.assertEqual(self.db("SELECT * FROM exposure_local"), snap)
        self.assertEqual(self.db("SELECT count(*) FROM outbox"), outbox)

    def test_matched_again_on_change_and_on_import(self):
        e = self.env
        eid = self.add_exposure(companies="外省某公司", keywords="无此产品")
        self.assertEqual(self.local(eid), [])
        r = e.ok("expose", "update", str(eid), "--keywords", "酸菜鱼")
        self.assertIn("本地候选：登记册找到 1 户，分属 1 个管辖单位（zhishou expose local %d 核实确认）" % eid, r.out)
        self.assertEqual([x["uscc"] for x in self.local(eid)], [C2])
        r = e.ok("expose", "add", "--title", "又一个", "--companies", "天津某某食品有限公司")
        self.assertEqual(r.out.splitlines()[1:], ["本地候选：登记册找到 1 户，分属 1 个管辖单位（zhishou expose local %d 核实确认）"
                                                  % int(r.out.split()[0])])
        # A new register: the open exposure's candidates come from it.
        rows = [r for r in ROWS if r[0] != C2]
        self.assertEqual(e.run("entity", "import", e.write("r2.csv", csv_text(rows)), "--as-of", "2026-03-05").rc, 0)
        self.assertEqual(self.local(eid), [])
        self.assertEqual(self.db("SELECT candidates FROM exposure WHERE id = ?", eid), [(0,)])

    def test_recorded_before_any_register(self):
        """No register yet: recorded with no candidates; the import finds them."""
        e = self.env
        fresh = e.other_db("fresh.db")
        e.run("init", db=fresh)
        e.ok("unit", "add", "小白楼市场监管所", db=fresh)
        eid = int(e.ok("expose", "add", "--title", "T", "--companies", "天津某某食品有限公司", db=fresh).out.split()[0])
        r = e.run("expose", "local", str(eid), db=fresh)
        self.assertFails(r, 2, "还没有导入市场主体登记册")
        self.assertEqual(e.run("entity", "import", e.write("r.csv", csv_text(ROWS)), "--as-of", "2026-03-01",
                               db=fresh).rc, 0)
        got = e.ok("expose", "local", str(eid), "--format", "json", db=fresh).json()
        self.assertEqual([x["uscc"] for x in got], [C7])


if __name__ == "__main__":
    unittest.main()
