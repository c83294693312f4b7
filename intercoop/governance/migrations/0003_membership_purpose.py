from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0002_loan_purpose"),
    ]

    operations = [
        migrations.AlterField(
            model_name="poll",
            name="purpose",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "None"),
                    ("admission", "Admission of a member organisation"),
                    ("award", "Ratification of a purchasing award"),
                    ("loan", "A loan committee's decision"),
                    ("membership", "Admission of a new member"),
                ],
                default="",
                max_length=10,
            ),
        ),
    ]
