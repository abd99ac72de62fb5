from django.db import migrations


def create_catalog_page(apps, schema_editor):
    """Put the public catalog (事项目录) under the home page, at /matters/."""
    ContentType = apps.get_model("contenttypes.ContentType")
    HomePage = apps.get_model("cms.HomePage")
    Page = apps.get_model("wagtailcore.Page")
    CatalogPage = apps.get_model("matters.MatterCatalogPage")
    home = HomePage.objects.first()
    if home is None or CatalogPage.objects.exists():
        return
    ct, _ = ContentType.objects.get_or_create(app_label="matters", model="mattercatalogpage")
    children = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1)
    last = children.order_by("-path").values_list("path", flat=True).first()
    step = int(last[-4:], 36) + 1 if last else 1
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    suffix = ""
    for _ in range(4):
        suffix = alphabet[step % 36] + suffix
        step //= 36
    CatalogPage.objects.create(
        title="事项目录",
        draft_title="事项目录",
        slug="matters",
        content_type=ct,
        path=home.path + suffix,
        depth=home.depth + 1,
        numchild=0,
        url_path=f"{home.url_path}matters/",
        locale_id=home.locale_id,
        live=True,
        intro="<p>按主题、部门查找政务服务事项，查看办理条件、申请材料、办理时限和地点。</p>",
    )
    Page.objects.filter(pk=home.pk).update(numchild=children.count() + 1)


class Migration(migrations.Migration):
    dependencies = [("matters", "0007_catalog_page"), ("cms", "0002_create_homepage")]

    operations = [migrations.RunPython(create_catalog_page, migrations.RunPython.noop)]
