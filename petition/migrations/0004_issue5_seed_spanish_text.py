"""The first campaign in Spanish (a translation of petition/seed/campaign.txt)
and its next goals once 10,000 is reached.

Organizers edit both in admin afterwards, so they are written only where the
fields are still empty.
"""

from django.db import migrations

SLUG = "protect-migrant-children-and-families"
FIND_REPRESENTATIVE = "https://www.house.gov/representatives/find-your-representative"
FIND_SENATORS = "https://www.senate.gov/senators/senators-contact.htm"
RAICES = "https://www.raicestexas.org/"

TITLE_ES = (
    "Protejamos a los niños y las familias migrantes: "
    "financien el Programa de Gestión de Casos Familiares"
)
SUMMARY_ES = (
    "Pide a la Administración, al Congreso, al DHS, a CBP y a ICE que dejen a las familias "
    "solicitantes de asilo bajo supervisión comunitaria y financien el Programa de Gestión "
    "de Casos Familiares."
)
TARGETS_ES = [
    "La Administración Trump",
    "El Senado de los EE. UU.",
    "La Cámara de Representantes de los EE. UU.",
    "El Departamento de Seguridad Nacional de los EE. UU.",
    "La Patrulla Fronteriza de los EE. UU.",
    "El Servicio de Inmigración y Control de Aduanas de los EE. UU.",
]
BODY_ES = f"""\
El Servicio de Inmigración y Control de Aduanas de los EE. UU. mantiene detenidos a niños migrantes en centros de procesamiento que los inspectores del Departamento de Seguridad Nacional calificaron de "peligrosos" y que abogados de derechos humanos describieron como "una emergencia de salud pública". Un pediatra que visitó esos centros informó que los niños mostraban signos de "privación del sueño, deshidratación y desnutrición".

Pedir asilo no es ilegal, y las consecuencias de separar a estos niños de sus familias han sido terribles. Ninguna ley obliga a retener a los solicitantes de asilo en los campos de detención abarrotados, insalubres e inseguros de la frontera. Es inhumano.

El vicepresidente Mike Pence reconoció públicamente en el programa "Face the Nation" de CBS, el 23 de junio de 2019, que "el sistema está desbordado". El Departamento de Seguridad Nacional ya cuenta con alternativas eficaces que podrían usarse en lugar de la detención. Existen programas sociales que permitirían al Servicio de Inmigración y Control de Aduanas dejar en libertad a los solicitantes de asilo bajo supervisión comunitaria. Contratistas del gobierno u organizaciones sin fines de lucro pueden entonces asignar trabajadores sociales a las familias. A partir de ahí, corresponde a esos trabajadores sociales, contratistas, organizaciones, voluntarios, comunidades y a los propios solicitantes de asilo colaborar para conseguir vivienda y transporte seguros, y asegurarse de que acudan a sus audiencias judiciales y cumplan la ley.

El Servicio de Inmigración y Control de Aduanas conoce bien la coordinación con programas como estos, ya que antes dirigía el Programa de Gestión de Casos Familiares (Family Case Management Program). Estos programas no solo garantizan condiciones humanas durante todo el proceso de asilo, sino que además son una alternativa mucho más económica que la detención.

Al celebrar el 243.º aniversario de los Estados Unidos de América, únete a nosotros para exigir algo mejor a la Administración Trump, el Senado de los EE. UU., la Cámara de Representantes de los EE. UU., el Departamento de Seguridad Nacional de los EE. UU., la Patrulla Fronteriza de los EE. UU. y el Servicio de Inmigración y Control de Aduanas de los EE. UU.

> "Sostenemos como evidentes estas verdades: que todos los hombres son creados iguales; que son dotados por su Creador de ciertos derechos inalienables; que entre estos están la vida, la libertad y la búsqueda de la felicidad."

> —Declaración de Independencia (EE. UU., 1776)

Por favor, tómate un momento para firmar esta petición y también para comunicarte directamente con tus representantes en el Congreso e instarlos a exigir que se pongan en marcha mejores programas para proteger la seguridad y la salud de estos niños y sus familias. Encuentra a tu representante en <{FIND_REPRESENTATIVE}> y a tus senadores en <{FIND_SENATORS}>.

Puedes apoyar esta causa con donaciones o con tu tiempo como voluntario a través de RAICES (Refugee and Immigrant Center for Education and Legal Services, el Centro de Educación y Servicios Legales para Refugiados e Inmigrantes) en <{RAICES}>.
"""


def seed_spanish(apps, schema_editor):
    Petition = apps.get_model("petition", "Petition")
    petition = Petition.objects.filter(slug=SLUG).first()
    if petition is None:
        return
    fields = {
        "title_es": TITLE_ES,
        "summary_es": SUMMARY_ES,
        "body_es": BODY_ES,
        "targets_es": "\n".join(TARGETS_ES),
        "milestones": "15000, 25000, 50000, 100000",
    }
    changed = [name for name, value in fields.items() if not getattr(petition, name)]
    for name in changed:
        setattr(petition, name, fields[name])
    petition.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("petition", "0003_issue5_milestones")]
    operations = [migrations.RunPython(seed_spanish, migrations.RunPython.noop)]
