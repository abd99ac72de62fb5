"""The old single fields of requests, now held by Consultation and Letter (data moved by 0009).

A migration of its own: on PostgreSQL a table whose rows were just updated (deferred foreign-key
checks pending) cannot be altered in the same transaction.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0009_request_letters_clock"),
    ]

    operations = [
        migrations.RemoveField(
            model_name='disclosurerequest',
            name='pause_started',
        ),
        migrations.RemoveField(
            model_name='disclosurerequest',
            name='reply_letter',
        ),
        migrations.RemoveField(
            model_name='disclosurerequest',
            name='third_party',
        ),
        migrations.RemoveField(
            model_name='historicaldisclosurerequest',
            name='pause_started',
        ),
        migrations.RemoveField(
            model_name='historicaldisclosurerequest',
            name='reply_letter',
        ),
        migrations.RemoveField(
            model_name='historicaldisclosurerequest',
            name='third_party',
        ),
        migrations.AlterField(
            model_name='disclosurerequest',
            name='arrived_date',
            field=models.DateField(help_text='网上提交之日、当面递交之日、信函签收之日或与申请人确认之日（按申请渠道）。', verbose_name='递交日期'),
        ),
        migrations.AlterField(
            model_name='historicaldisclosurerequest',
            name='arrived_date',
            field=models.DateField(help_text='网上提交之日、当面递交之日、信函签收之日或与申请人确认之日（按申请渠道）。', verbose_name='递交日期'),
        ),
    ]
