from django.db import migrations

from permissions.migration_utils import grant_to_existing_groups

REG = "《中华人民共和国政府信息公开条例》"
# (reply_type, subreason, article, what the letter says)
TEMPLATES = [
    ("disclosed", "", f"{REG}第三十六条第（二）项", "您申请的政府信息属于公开范围，现按您要求的方式提供（见附件）。"),
    ("partial", "", f"{REG}第三十七条", "您申请的政府信息中含有不应当公开的内容，但能够作区分处理，现向您提供可以公开的部分，不予公开部分的理由另附说明。"),
    ("refused", "state_secret", f"{REG}第十四条、第三十六条第（三）项", "您申请的政府信息属于国家秘密，依法不予公开。"),
    ("refused", "prohibited", f"{REG}第十四条、第三十六条第（三）项", "您申请的政府信息属于法律、行政法规禁止公开的信息，依法不予公开。"),
    ("refused", "security", f"{REG}第十四条、第三十六条第（三）项", "您申请的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定，依法不予公开。"),
    ("refused", "third_party", f"{REG}第十五条、第三十六条第（三）项", "您申请的政府信息涉及第三方合法权益，第三方不同意公开，且不公开不会对公共利益造成重大影响，依法不予公开。"),
    ("refused", "internal_affairs", f"{REG}第十六条第一款", "您申请的政府信息属于行政机关内部事务信息，依法可以不予公开。"),
    ("refused", "process_info", f"{REG}第十六条第二款", "您申请的政府信息属于行政机关在履行职责过程中形成的过程性信息，依法可以不予公开。"),
    ("refused", "enforcement_file", f"{REG}第十六条第二款", "您申请的政府信息属于行政执法案卷信息，依法可以不予公开。"),
    ("refused", "query_service", f"{REG}第三十六条第（七）项", "您申请的信息属于行政查询事项，请依照有关规定办理查询。"),
    ("unable", "not_held", f"{REG}第三十六条第（四）项、第（五）项", "经检索，本机关未制作或者获取您申请的政府信息。"),
    ("unable", "needs_creation", f"{REG}第三十八条", "您申请的信息需要本机关对现有政府信息进行加工、分析，本机关不予提供。"),
    ("unable", "still_unclear", f"{REG}第三十条", "经补正后，您的申请内容仍不明确，本机关无法提供。"),
    ("not_processed", "petition", f"{REG}第三十九条第一款", "您以政府信息公开申请的形式进行信访、投诉、举报，请通过相应渠道提出，本机关不作为政府信息公开申请处理。"),
    ("not_processed", "repeated", f"{REG}第三十六条第（六）项", "本机关已就您提出的相同政府信息公开申请作出答复，不予重复处理。"),
    ("not_processed", "publication", f"{REG}第三十九条第二款", "您申请的信息为公开出版物，请通过公开渠道获取。"),
    ("not_processed", "excessive", f"{REG}第三十五条", "您申请公开政府信息的数量、频次明显超过合理范围，且未能说明理由或者理由不合理，本机关不予处理。"),
    ("not_processed", "confirmation", f"{REG}第三十九条第二款", "您要求本机关确认或者重新出具已获取的信息，不属于政府信息公开申请，本机关不予处理。"),
    ("other", "no_amendment", f"{REG}第三十条", "本机关已于告知书中要求您补正申请，您无正当理由逾期未补正，视为放弃申请，本机关不再处理该申请。"),
    ("other", "fee_unpaid", f"{REG}第四十二条", "您逾期未按收费通知要求缴纳信息处理费，本机关不再处理该申请。"),
    ("other", "other", f"{REG}相关规定", "经审查，现将办理情况告知如下：（请写明处理情况）"),
]
BODY = (
    "{{name}}：\n"
    "本机关于{{received}}收到您提出的政府信息公开申请（查询码：{{code}}），申请获取“{{description}}”。\n"
    "经审查，{text}\n"
    "依据{{article}}的规定，特此告知。\n"
    "如对本答复不服，可以自收到本答复之日起六十日内依法申请行政复议，或者自收到本答复之日起六个月内依法提起行政诉讼。\n"
    "{{agency}}\n{{date}}"
)

OFFICE = ["add_disclosurerequest", "change_disclosurerequest", "view_disclosurerequest",
          "publish_disclosurerequest", "view_pii", "add_replytemplate", "change_replytemplate", "view_replytemplate"]
ADMIN = OFFICE + ["delete_replytemplate"]


def seed(apps, schema_editor):
    ReplyTemplate = apps.get_model("disclosure.ReplyTemplate")
    for reply_type, subreason, article, text in TEMPLATES:
        ReplyTemplate.objects.get_or_create(
            reply_type=reply_type, subreason=subreason, defaults={"article": article, "body": BODY.format(text=text)}
        )
    grant_to_existing_groups(apps, schema_editor, "disclosure", OFFICE, ["政务公开办编辑"])
    grant_to_existing_groups(apps, schema_editor, "disclosure", ADMIN, ["系统管理员"])


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("disclosure", "0006_disclosure_requests"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
