from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("checkpoints", "0003_delete_shift")]

    operations = [
        migrations.CreateModel(
            name="PassageField",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=40, unique=True, verbose_name="code")),
                ("names", models.JSONField(default=dict, verbose_name="name")),
                ("sort_order", models.IntegerField(default=0, verbose_name="sort order")),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                (
                    "kind",
                    models.CharField(
                        choices=[("text", "Text"), ("number", "Number"), ("yes_no", "Yes or no")],
                        default="text",
                        max_length=10,
                        verbose_name="kind",
                    ),
                ),
                ("required", models.BooleanField(default=False, verbose_name="required")),
            ],
            options={
                "verbose_name": "other passage field",
                "verbose_name_plural": "other passage fields",
                "ordering": ["sort_order", "code"],
                "abstract": False,
            },
        ),
    ]
