"""Excel import/export of the catalog: through the admin and the commands, all or nothing,
by the permission policy, with the cell forms departments really type."""

from __future__ import annotations

import io
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from wagtail.models import ModelLogEntry, ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from matters.importing import RevertError, export_xlsx, import_file, revert_batch
from matters.models import ImportBatch, Matter, MatterStatus
from matters.resources import FAQResource, MaterialResource, MatterResource, StepResource

from ..permissions.factories import MembershipFactory
from .factories import MatterFactory

pytestmark = pytest.mark.django_db

MATTER_HEADERS = [f.column_name for f in MatterResource().fields.values()]
MATERIAL_HEADERS = [f.column_name for f in MaterialResource().fields.values()]
STEP_HEADERS = [f.column_name for f in StepResource().fields.values()]
FAQ_HEADERS = [f.column_name for f in FAQResource().fields.values()]


def workbook(matters: list[dict], materials: list[dict] = (), *, headers=None, steps=None, faqs=None) -> bytes:
    """An .xlsx with the 事项 and 申请材料 sheets (办理环节 and 常见问题 when given); cells not
    given are left blank."""
    book = Workbook()
    sheet = book.active
    sheet.title = "事项"
    headers = headers or MATTER_HEADERS
    sheet.append(headers)
    for row in matters:
        sheet.append([row.get(h, "") for h in headers])
    for title, sheet_headers, rows in (
        ("申请材料", MATERIAL_HEADERS, materials),
        ("办理环节", STEP_HEADERS, steps),
        ("常见问题", FAQ_HEADERS, faqs),
    ):
        if rows is None:
            continue
        child = book.create_sheet(title)
        child.append(sheet_headers)
        for row in rows:
            child.append([row.get(h, "") for h in sheet_headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def new_row(dept, serial: int = 1, **cells) -> dict:
    """A complete, standards-compliant new matter as a department would type it."""
    row = {
        # 99 keeps these codes apart from the factories' (type segment 01), whatever the sequence.
        "实施编码": f"{dept.credit_code}99{serial:04d}",
        "基本编码": f"0001010{serial:05d}",
        "事项名称": f"导入的事项{serial}",
        "事项类型": "行政许可",
        "实施主体编码": dept.credit_code,
        "实施主体": dept.name,
        "实施主体性质": "法定机关",
        "权力来源": "法定本级行使",
        "行使层级": "市级",
        "设定依据": "《中华人民共和国行政许可法》（主席令第7号）第十二条",
        "受理条件": "申请人具有完全民事行为能力。",
        "办件类型": "承诺件",
        "法定办结时限": "20个工作日",
        "承诺办结时限": "１０",  # full-width digits
        "是否收费": "否 ",
        "到办事现场次数": "1次",
        "必须现场办理原因说明": "须现场核验原件",
        "网上办理深度": "Ⅲ级",
        "办理形式": "窗口办理、网上办理",
        "服务对象": "自然人",
        "自然人主题分类": "准营准办",
        "办理地点": "示范市政务服务中心 一楼A区，示范市人民大道88号",
        "办理时间": "周一至周五 9:00-17:00",
        "咨询方式": "0999-12345",
        "监督投诉方式": "12345",
        "审批结果类型": "证照",
        "办理结果名称": "许可证",
    }
    row.update(cells)
    return row


def material(code: str, name: str, **cells) -> dict:
    return {"实施编码": code, "材料名称": name, "材料类型": "原件", "纸质份数": 1, "必要性": "必要", **cells}


def exported_row(matter: Matter) -> dict:
    """The matter's row as the export writes it."""
    sheet = load_workbook(io.BytesIO(export_xlsx([matter])))["事项"]
    return dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))


def upload(client, content: bytes, name: str = "清单.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("matters_import"), {"file": SimpleUploadedFile(name, content)})


def confirm(client, response):
    return client.post(reverse("matters_import_confirm"), {"token": response.context["token"]})


def snapshot() -> dict:
    """What an import could touch: matters, their revisions, children and log entries."""
    return {
        "matters": sorted(Matter.objects.values_list("pk", "name", "latest_revision_id", "status")),
        "log": ModelLogEntry.objects.count(),
        "batches": ImportBatch.objects.count(),
    }


# ---- the admin flow -----------------------------------------------------------------------


def test_upload_preview_confirm_as_a_department_owner(client, world):
    owner = world.users["owner"]
    own = world.matters["own"]
    rows = [
        new_row(world.dept_a, 101),
        new_row(world.dept_a, 102, 事项状态="在用"),
    ]
    existing = exported_row(own)
    existing["事项名称"] = "甲局在用事项（改名）"
    draft_row = exported_row(world.matters["own_draft"])
    content = workbook(
        [rows[0], rows[1], existing, draft_row],
        [material(rows[0]["实施编码"], "申请表"), material("", "居民身份证"), material(rows[1]["实施编码"], "申请表")],
    )
    client.force_login(owner)
    before = snapshot()
    preview = upload(client, content)
    assert preview.status_code == 200
    plan = preview.context["plan"]
    assert [r.action for r in plan.rows] == ["new", "new", "changed", "unchanged"]
    assert plan.rows[2].changed == ["事项名称"]
    # The owner may not publish: the in-force matter's change and the 在用 row go to review.
    assert [r.outcome for r in plan.rows[:3]] == ["draft", "submit", "submit"]
    html = preview.content.decode()
    assert "新增" in html and "变更" in html and "无变化" in html and "确认导入" in html
    assert snapshot() == before  # the preview writes nothing

    response = confirm(client, preview)
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert (batch.created, batch.updated, batch.unchanged, batch.user) == (2, 1, 1, owner)
    first = Matter.objects.get(implementation_code=rows[0]["实施编码"])
    assert first.status == MatterStatus.DRAFT and not first.live
    assert [m.name for m in first.materials.all()] == ["申请表", "居民身份证"]  # blank code repeats the one above
    assert (first.statutory_limit, first.promised_limit, first.visits, first.is_charged) == (20, 10, 1, False)
    second = Matter.objects.get(implementation_code=rows[1]["实施编码"])
    assert second.workflow_in_progress
    own.refresh_from_db()
    # A revision, not a live write: the public name stays until a reviewer approves.
    assert own.name == "甲局在用事项" and own.workflow_in_progress
    assert own.latest_revision.as_object().name == "甲局在用事项（改名）"
    entry = ModelLogEntry.objects.filter(action="matters.import").get(object_id=str(own.pk))
    assert entry.data["batch"] == batch.pk and entry.data["changed"] == ["事项名称"]
    assert "导入批次" in entry.data["reason"]


def test_reviewer_import_publishes_directly(client, world):
    reviewer = world.users["reviewer"]
    own = world.matters["own"]
    row = exported_row(own)
    row["承诺办结时限"] = "8个工作日"
    client.force_login(reviewer)
    preview = upload(client, workbook([row]))
    assert preview.context["plan"].rows[0].outcome == "publish"
    confirm(client, preview)
    own.refresh_from_db()
    assert own.promised_limit == 8 and own.live and own.version == 2


def test_cross_department_rows_are_refused_and_nothing_is_written(client, world):
    client.force_login(world.users["owner"])
    row = exported_row(world.matters["other"])
    row["事项名称"] = "改别人的事项"
    before = snapshot()
    preview = upload(client, workbook([new_row(world.dept_a, 1), row, new_row(world.dept_b, 2)]))
    plan = preview.context["plan"]
    assert [r.action for r in plan.rows] == ["new", "error", "error"]
    assert "您没有修改它的权限" in str(plan.rows[1].errors[0])
    assert "您没有在“示范市乙局”新增事项的权限" in str(plan.rows[2].errors[0])
    assert preview.context["token"] == "" and "确认导入" not in preview.content.decode()
    assert snapshot() == before


def test_the_preview_does_not_name_the_owner_of_another_departments_unpublished_code(client, world):
    client.force_login(world.users["owner"])
    hidden = world.matters["other_draft"]
    row = new_row(world.dept_a, 1)
    row["实施编码"] = hidden.implementation_code
    preview = upload(client, workbook([row]))
    [planned] = preview.context["plan"].rows
    assert planned.action == "error"
    assert any("事项编码已被占用或无权修改" in str(e) for e in planned.errors)
    page = preview.content.decode()
    assert "乙局" not in page and hidden.department.name not in page and hidden.name not in page


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"实施主体编码": "11990100MA0000000X"}, "实施主体编码", "未知的实施主体编码"),
        ({"事项名称": "长" * 201}, "事项名称", "超过上限200个字"),
        ({"法定办结时限": "二十天"}, "法定办结时限", "应为整数个工作日"),
        ({"服务对象": "外星人"}, "服务对象", "无法识别“外星人”"),
        ({"事项类型": "不存在的类型"}, "事项类型", "无法识别"),
        ({"是否收费": "也许"}, "是否收费", "应为“是”或“否”"),
        ({"到办事现场次数": "5"}, "到办事现场次数", "应为0、1、2或3"),
        ({"实施编码": "11990100000000999X010001"}, "实施编码", "应以实施主体的统一社会信用代码"),
        ({"事项状态": "暂停"}, "事项状态", "新事项只能导入为草稿或在用"),
        ({"承诺办结时限": 30, "事项状态": "在用"}, "承诺办结时限", "不能超过法定办结时限"),
        ({"设定依据": "", "事项状态": "在用"}, "设定依据", "至少须有一条设定依据"),
        ({"实施主体": "别的部门"}, "实施主体", "不一致"),
    ],
)
def test_each_error_names_sheet_row_column_and_value(world, cells, column, message):
    admin = world.users["sysadmin"]
    rows = [new_row(world.dept_a, 1), new_row(world.dept_a, 2, **cells)]
    before = snapshot()
    plan, batch = import_file(workbook(rows, [material(rows[0]["实施编码"], "申请表")]), "坏文件.xlsx", admin)
    assert batch is None and snapshot() == before  # the valid first row is not written either
    assert plan.rows[0].action == "new" and plan.rows[1].action == "error"
    problem = next(p for p in plan.rows[1].errors if p.column == column)
    text = str(problem)
    assert text.startswith("“事项”表第3行") and f"“{column}”列" in text and message in text


def test_file_level_errors(world):
    admin = world.users["sysadmin"]
    plan, _ = import_file(b"not a workbook", "x.xlsx", admin)
    assert "无法作为Excel工作簿打开" in str(plan.errors[0])
    plan, _ = import_file(b"", "x.xls", admin)
    assert ".xls" in str(plan.errors[0])
    headers = [h for h in MATTER_HEADERS if h != "事项类型"]
    plan, _ = import_file(workbook([new_row(world.dept_a)], headers=headers), "x.xlsx", admin)
    assert "“事项类型”列" in str(plan.errors[0]) and "缺少必需的列" in str(plan.errors[0])
    rows = [new_row(world.dept_a, 1), new_row(world.dept_a, 1)]
    plan, _ = import_file(workbook(rows), "x.xlsx", admin)
    assert "与第2行的实施编码重复" in str(plan.rows[1].errors[0])
    plan, _ = import_file(workbook([new_row(world.dept_a, 1)], [material("NOPE", "表")]), "x.xlsx", admin)
    assert "“申请材料”表第2行" in str(plan.errors[0]) and "没有对应的行" in str(plan.errors[0])


def test_real_world_cell_forms(world):
    admin = world.users["sysadmin"]
    row = new_row(
        world.dept_a,
        7,
        办件类型="即办",
        法定办结时限="",
        承诺办结时限="即办",
        是否收费="是",
        收费标准="工本费：20元/证",
        收费依据="财综〔2003〕72号",
        到办事现场次数=0.0,
        必须现场办理原因说明="",
        网上办理深度="全程网办",
        服务对象="个人、法人",
        法人主题分类="准营准办",
        事项状态="在用",
    )
    row["实施编码"] = " " + row["实施编码"].replace("0", "０") + " "
    both = material(row["实施编码"], "居民身份证", 纸质份数="原件1份、复印件2份", 材料类型="原件和复印件")
    plan, _ = import_file(workbook([row], [both]), "x.xlsx", admin)
    assert plan.ok, plan.report()
    matter = Matter.objects.get(implementation_code=f"{world.dept_a.credit_code}990007")
    assert matter.live and matter.status == MatterStatus.IN_FORCE
    assert (matter.promised_limit, matter.visits, matter.is_charged) == (0, 0, True)
    assert [(f.name, f.standard) for f in matter.fees.all()] == [("工本费", "20元/证")]
    assert {t.key for t in matter.service_objects.all()} >= {"natural_person", "legal_enterprise"}
    assert matter.online_depth.key == "depth_4"
    copies = matter.materials.get()
    assert (copies.original_copies, copies.copy_copies) == (1, 2)


def test_a_whole_matter_fits_in_the_workbook(world):
    """Steps and FAQ have their own sheets; a basis's text and a place's phone ride in their
    cells; the other elements of a 实施清单 have columns. An export of it imports back unchanged,
    and a cell that leaves the text or phone out keeps them, as it keeps a material's blank form."""
    admin = world.users["sysadmin"]
    basis = "《中华人民共和国行政许可法》（主席令第7号）第十二条"
    place = "示范市政务服务中心 一楼A区，示范市人民大道88号"
    row = new_row(
        world.dept_a,
        71,
        事项状态="在用",
        设定依据=f"{basis}：下列事项可以设定行政许可：（一）直接涉及国家安全的；（二）……",
        办理地点=f"{place}，电话：0999-8800000",
        法定办结时限说明="自受理之日起20个工作日",
        网上办理地址="https://zwfw.example.gov.cn/item/71",
        支持预约办理="是",
        进驻政务大厅="是",
        通办范围="全市",
        依法享有的权利="依法获得办理结果。",
        存在中介服务="是",
        中介服务名称="检验检测",
    )
    code = row["实施编码"]
    steps = [
        {"实施编码": code, "环节名称": "受理", "办理处室/岗位": "受理人员", "办理时限": "1个工作日"},
        {"环节名称": "决定", "办理时限": 9, "审查标准": "符合法定条件。"},  # blank code: the one above
    ]
    faqs = [{"实施编码": code, "问题": "要跑几次？", "解答": "最多跑1次。"}]
    plan, _ = import_file(workbook([row], [material(code, "申请表")], steps=steps, faqs=faqs), "x.xlsx", admin)
    assert plan.ok, plan.report()
    matter = Matter.objects.get(implementation_code=code)
    assert [(s.name, s.role, s.time_limit) for s in matter.steps.all()] == [("受理", "受理人员", 1), ("决定", "", 9)]
    assert [(f.question, f.answer) for f in matter.faqs.all()] == [("要跑几次？", "最多跑1次。")]
    law = matter.legal_bases.get()
    assert (law.article, law.text) == ("第十二条", "下列事项可以设定行政许可：（一）直接涉及国家安全的；（二）……")
    office = matter.places.get()
    assert (office.address, office.phone) == ("示范市人民大道88号", "0999-8800000")
    assert matter.appointment and matter.in_hall and not matter.express_delivery
    assert matter.service_scope.key == "city" and matter.online_url.endswith("/item/71")
    assert matter.intermediary_exists and matter.intermediary_name == "检验检测" and matter.rights
    assert matter.statutory_limit_note == "自受理之日起20个工作日"

    plan, _ = import_file(export_xlsx([matter]), "export.xlsx", admin)
    assert plan.ok and [r.action for r in plan.rows] == ["unchanged"], plan.report()
    plan, _ = import_file(workbook([{**row, "设定依据": basis, "办理地点": place}]), "x.xlsx", admin)
    assert plan.ok and [r.action for r in plan.rows] == ["unchanged"], plan.report()

    # A row of a child sheet for a code the 事项 sheet does not have is an error.
    plan, _ = import_file(workbook([row], faqs=[{"实施编码": "NOPE", "问题": "问", "解答": "答"}]), "x.xlsx", admin)
    assert "“常见问题”表第2行" in str(plan.errors[0]) and "没有对应的行" in str(plan.errors[0])
    # Changing a step is a change of the 办理环节 sheet, published as a new revision.
    steps[1]["办理时限"] = 8
    plan, _ = import_file(workbook([row], steps=steps), "x.xlsx", admin)
    assert plan.ok and plan.rows[0].changed == ["办理环节"], plan.report()
    assert [s.time_limit for s in Matter.objects.get(pk=matter.pk).steps.all()] == [1, 8]


def test_an_import_inside_a_switched_off_reference_index(world):
    """Bulk loads (and some suites) switch Wagtail's reference index off around their work; an
    import inside writes no reference rows, as saves would not, and leaves the switch as it was."""
    with disable_reference_index_auto_update():
        plan, batch = import_file(workbook([new_row(world.dept_a, 81)]), "x.xlsx", world.users["sysadmin"])
    assert plan.ok and batch.created == 1
    matter = Matter.objects.get(name="导入的事项81")
    assert not ReferenceIndex.objects.filter(object_id=str(matter.pk), model_path="department").exists()


def test_csv_in_gbk_from_excel(world):
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(MATTER_HEADERS)
    row = new_row(world.dept_a, 9)
    writer.writerow([row.get(h, "") for h in MATTER_HEADERS])
    plan, batch = import_file(out.getvalue().encode("gb18030"), "清单.csv", world.users["sysadmin"])
    assert plan.ok and batch.created == 1


def test_a_short_csv_row_reads_its_missing_cells_as_empty(world):
    """Excel and WPS leave a CSV row's trailing empty cells out: those cells read as empty (they
    used to fail the import with a traceback), and an empty required one is named as such."""
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(MATTER_HEADERS)
    full = new_row(world.dept_a, 11)
    last = max(MATTER_HEADERS.index(h) for h in full)
    writer.writerow([full.get(h, "") for h in MATTER_HEADERS[: last + 1]])  # up to its last filled cell
    short = new_row(world.dept_a, 12)
    writer.writerow([short.get(h, "") for h in MATTER_HEADERS[: MATTER_HEADERS.index("事项类型")]])
    plan, batch = import_file(out.getvalue().encode("utf-8"), "清单.csv", world.users["sysadmin"])
    assert batch is None
    found = {(p.row, p.column, p.message) for p in plan.errors}
    assert {(3, "事项类型", "不能为空。"), (3, "实施主体编码", "不能为空。")} <= found
    assert {row for row, _, _ in found} == {3}
    assert plan.rows[0].action == "new" and not plan.rows[0].errors


def test_a_cell_value_repeated_on_many_rows_is_reported_on_each(world):
    """Each column reads a repeated value once per import: a bad one is still an error on every
    row that has it, and rows sharing a value do not share the list read from it."""
    rows = [new_row(world.dept_a, n, 事项类型="不存在的类型") for n in (21, 22)]
    rows += [new_row(world.dept_a, n, 服务对象="自然人、企业法人") for n in (23, 24)]
    plan, _ = import_file(workbook(rows), "x.xlsx", world.users["sysadmin"])
    assert [(p.row, p.column) for p in plan.errors] == [(2, "事项类型"), (3, "事项类型")]
    third, fourth = plan.rows[2].values["service_objects"], plan.rows[3].values["service_objects"]
    assert third == fourth and third is not fourth


# ---- export -------------------------------------------------------------------------------


def test_export_round_trip_has_zero_changes(world):
    """The whole catalog, exported and imported back, changes nothing at all."""
    MatterFactory(department=world.dept_a, name='=HYPERLINK("http://evil")', is_charged=False)
    path_content = export_xlsx(Matter.objects.all())
    before = snapshot()
    plan, batch = import_file(path_content, "export.xlsx", None)
    assert plan.ok, plan.report()
    assert {r.action for r in plan.rows} == {"unchanged"}
    assert batch.created == batch.updated == 0
    after = snapshot()
    assert after["matters"] == before["matters"]


def test_formulae_are_neutralised_on_export(world):
    MatterFactory(department=world.dept_a, name="=1+1", consultation="@SUM(A1)", complaint="-2+3")
    sheet = load_workbook(io.BytesIO(export_xlsx(Matter.objects.filter(name="=1+1"))))["事项"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert row["事项名称"] == "'=1+1" and row["咨询方式"] == "'@SUM(A1)" and row["监督投诉方式"] == "'-2+3"
    assert all(cell.data_type != "f" for cell in sheet[2])


def test_admin_export_respects_the_policy(client, world):
    client.force_login(world.users["owner"])
    response = client.get(reverse("matters_export"))
    assert response.status_code == 200
    names = [c.value for c in load_workbook(io.BytesIO(response.content))["事项"]["C"][1:]]
    assert set(names) == {"甲局在用事项", "甲局草稿事项"}
    # Selected ids (the bulk action) cannot reach another department's matter.
    response = client.get(reverse("matters_export"), {"id": [world.matters["other"].pk, world.matters["own"].pk]})
    names = [c.value for c in load_workbook(io.BytesIO(response.content))["事项"]["C"][1:]]
    assert names == ["甲局在用事项"]
    # The listing's filters apply to its export button.
    response = client.get(reverse("matters_export"), {"status": "draft"})
    names = [c.value for c in load_workbook(io.BytesIO(response.content))["事项"]["C"][1:]]
    assert names == ["甲局草稿事项"]
    # CSV (the 事项 sheet) opens in Chinese Excel: UTF-8 with a byte-order mark.
    response = client.get(reverse("matters_export"), {"format": "csv"})
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff实施编码,") and "甲局在用事项" in text and "乙局在用事项" not in text
    client.force_login(world.users["nodept"])
    assert client.get(reverse("matters_import")).status_code in (302, 403)


def test_template_has_the_exact_headers_and_an_example(client, world):
    client.force_login(world.users["owner"])
    response = client.get(reverse("matters_import_template"))
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book["事项"][1]] == MATTER_HEADERS
    assert [c.value for c in book["申请材料"][1]] == MATERIAL_HEADERS
    assert [c.value for c in book["办理环节"][1]] == STEP_HEADERS
    assert [c.value for c in book["常见问题"][1]] == FAQ_HEADERS
    assert book["事项"]["C2"].value and book["申请材料"]["B2"].value and book["办理环节"]["B2"].value
    for required in ("实施编码", "基本编码", "事项名称", "事项类型", "实施主体编码", "法定办结时限", "事项状态"):
        assert required in MATTER_HEADERS


# ---- commands and batches -----------------------------------------------------------------


def test_commands_dry_run_errors_and_export(tmp_path, world):
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook([new_row(world.dept_a, 31)]))
    out = StringIO()
    call_command("import_matters", str(good), "--dry-run", "--user", "owner_a", stdout=out)
    assert "新增" in out.getvalue() and not Matter.objects.filter(name="导入的事项31").exists()

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook([new_row(world.dept_b, 32)]))
    out = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_matters", str(bad), "--user", "owner_a", stdout=out, stderr=StringIO())
    assert exit_info.value.code == 1 and "没有在“示范市乙局”新增事项的权限" in out.getvalue()

    call_command("import_matters", str(good), "--user", "owner_a", stdout=StringIO())
    assert Matter.objects.filter(name="导入的事项31").exists()

    target = tmp_path / "mine.xlsx"
    call_command("export_matters", str(target), "--user", "owner_b", stdout=StringIO())
    names = {c.value for c in load_workbook(target)["事项"]["C"][1:]}
    assert names == {"乙局在用事项", "乙局草稿事项"}


def test_a_batch_is_reverted_as_a_whole(client, world):
    reviewer = world.users["reviewer"]
    MembershipFactory(user=reviewer, department=world.dept_a, role="owner")  # also creates matters
    own = world.matters["own"]
    row = exported_row(own)
    row["事项名称"] = "改过的名称"
    row["事项状态"] = "暂停"
    plan, batch = import_file(workbook([row, new_row(world.dept_a, 41)]), "x.xlsx", reviewer)
    assert plan.ok, plan.report()
    own.refresh_from_db()
    assert own.name == "改过的名称" and own.status == MatterStatus.SUSPENDED

    client.force_login(reviewer)
    response = client.post(reverse("matters_import_revert", args=[batch.pk]))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.name == "甲局在用事项" and own.status == MatterStatus.IN_FORCE and own.live
    assert not Matter.objects.filter(name="导入的事项41").exists()
    batch.refresh_from_db()
    assert batch.reverted_by == reviewer
    # Another user's batch is not theirs to revert.
    client.force_login(world.users["owner_b"])
    assert client.post(reverse("matters_import_revert", args=[batch.pk])).status_code == 404


def test_revert_is_refused_when_a_matter_changed_since(world):
    admin = world.users["sysadmin"]
    _, batch = import_file(workbook([new_row(world.dept_a, 51)]), "x.xlsx", admin)
    matter = Matter.objects.get(name="导入的事项51")
    matter.name = "之后又改了"
    matter.save_revision(user=admin)
    with pytest.raises(RevertError, match="导入后又被修改过"):
        revert_batch(batch, admin)
    assert Matter.objects.filter(pk=matter.pk).exists()


def test_imported_matters_are_like_ones_made_in_the_admin(client, world):
    """New rows are written in bulk; they must still have what the admin path leaves behind."""
    reviewer = world.users["reviewer"]
    MembershipFactory(user=reviewer, department=world.dept_a, role="owner")
    rows = [new_row(world.dept_a, 61, 事项状态="在用"), new_row(world.dept_a, 62)]
    plan, _ = import_file(workbook(rows, [material(rows[0]["实施编码"], "申请表")]), "x.xlsx", reviewer)
    assert plan.ok, plan.report()
    live = Matter.objects.get(name="导入的事项61")
    assert live.live and live.status == MatterStatus.IN_FORCE and live.version == 1
    assert live.live_revision_id == live.latest_revision_id and not live.has_unpublished_changes
    assert live.latest_revision.as_object().materials.get().name == "申请表"
    actions = set(ModelLogEntry.objects.filter(object_id=str(live.pk)).values_list("action", flat=True))
    assert actions == {"wagtail.create", "wagtail.publish", "matters.enter_force", "matters.import"}
    assert live.check_errors == 0 and live.completeness > 0
    # Wagtail's reference index knows what it uses (department, terms), as a save records it.
    content_type = ContentType.objects.get_for_model(Matter)
    references = ReferenceIndex.objects.filter(base_content_type=content_type, object_id=str(live.pk))
    imported = set(references.values_list("to_content_type", "to_object_id", "model_path", "content_path"))
    assert ("department", str(world.dept_a.pk)) in {(path, to) for _, to, path, _ in imported}
    ReferenceIndex.create_or_update_for_object(live)
    assert set(references.values_list("to_content_type", "to_object_id", "model_path", "content_path")) == imported
    draft = Matter.objects.get(name="导入的事项62")
    assert not draft.live and draft.status == MatterStatus.DRAFT and draft.has_unpublished_changes
    # Grants were made: the department's owner edits it, the other department's cannot.
    client.force_login(world.users["owner"])
    edit = reverse(Matter.snippet_viewset.get_url_name("edit"), args=[live.pk])
    assert client.get(edit).status_code == 200
    client.force_login(world.users["owner_b"])
    assert client.get(edit).status_code in (302, 403, 404)
    # The public catalog shows the published one at once.
    assert "导入的事项61" in client.get("/matters/").content.decode()


def test_a_workbook_inflating_past_the_limit_is_refused_before_it_is_opened(client, world, tmp_path):
    import zipfile

    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            zeros = b"\0" * (1024 * 1024)
            for _ in range(200):  # 200 MB of zeros, a few hundred KB compressed
                member.write(zeros)
    content = path.read_bytes()
    assert len(content) < 2 * 1024 * 1024
    client.force_login(world.users["owner"])
    before = snapshot()
    response = upload(client, content)
    assert "工作簿过大：解压后超过100MB" in response.content.decode()
    assert snapshot() == before


def test_a_sheet_declaring_16384_columns_is_refused(client, world):
    book = Workbook()
    sheet = book.active
    sheet.title = "事项"
    sheet.append(MATTER_HEADERS)
    for row in range(2, 41):
        sheet.cell(row=row, column=16384, value="x")
    out = io.BytesIO()
    book.save(out)
    client.force_login(world.users["owner"])
    response = upload(client, out.getvalue())
    assert "工作表“事项”超过" in response.content.decode()


def test_a_workbook_with_too_many_cells_is_refused(client, world, settings):
    settings.IMPORT_WORKBOOK_MAX_CELLS = 50
    client.force_login(world.users["owner"])
    rows = [new_row(world.dept_a, i) for i in range(1, 4)]
    response = upload(client, workbook(rows))
    assert "工作表“事项”超过" in response.content.decode()
