"""Load the first campaign, so that a fresh install shows it, in English and Spanish.

The English text is petition/seed/campaign.txt as of this migration, copied
here so that what the migration loads never changes: its title line, its
paragraphs (the live-count line is rendered by the page instead), the
quotation marked as one, and the two links the original lost restored at
the end. The Spanish text is a translation of it. Organizers edit both in
admin afterwards.
"""

from django.db import migrations

SLUG = "protect-migrant-children-and-families"

FIND_REPRESENTATIVE = "https://www.house.gov/representatives/find-your-representative"
FIND_SENATORS = "https://www.senate.gov/senators/senators-contact.htm"
RAICES = "https://www.raicestexas.org/"

TITLE = "Protect Migrant Children and Families: Fund Family Case Management Program"
SUMMARY = (
    "Ask the Administration, Congress, DHS, CBP and ICE to release asylum-seeking "
    "families to community supervision and fund the Family Case Management Program."
)
TARGETS = [
    "The Trump Administration",
    "U.S. Senate",
    "U.S. House of Representatives",
    "U.S. Department of Homeland Security",
    "U.S. Border Patrol",
    "U.S. Immigration and Customs Enforcement",
]
BODY = f"""\
Migrant children are being detained by U.S. Immigration and Customs Enforcement in processing facilities labeled "dangerous" by inspectors from the Department of Homeland Security and "a public health emergency" by Human Rights attorneys. A visiting Pediatrician reported that children at the facilities exhibited signs of "sleep deprivation, dehydration, and malnutrition."

Seeking asylum is not illegal, and the results of separating these children from their families have been horrendous. There is no legal requirement to hold Asylum Seekers at the over-crowded, unsanitary, and unsafe detention camps along the border. It is inhumane.

The Vice President, Mike Pence, went on record with CBS' "Face the Nation" on June 23rd, 2019 to acknowledge that the "system is overwhelmed". The Department of Homeland Security already has effective alternatives that could be utilized in place of detention. Social programs are in place that would allow Immigration and Customs Enforcement to release Asylum Seekers under Community Supervision. Government contractors or Nonprofit Organizations are then able to provide families with social workers. It then becomes the responsibilities of those social workers, contractors, organizations, volunteers, communities, and Asylum-Seekers to collaborate to secure safe housing and transportation, and to make sure they attend court hearings and comply with the law.

Immigration and Customs Enforcement is familiar with coordinating with programs such as these, as they previously ran the Family Case Management Program. These programs not only facilitate humane conditions throughout the duration of the Asylum Seeker's case, but provide a much less expensive alternative to detention as well.

As we celebrate the 243rd birthday of the United States of America, join us in demanding better from the Trump Administration, U.S. Senate, U.S. House of Representatives, U.S. Department of Homeland Security, U.S. Border Patrol, and U.S. Immigration and Customs Enforcement.

> "We hold these truths to be self-evident, that all men are created equal, that they are endowed by their Creator with certain unalienable Rights, that among these are Life, Liberty and the pursuit of Happiness. "

> -Declaration of Independence (US 1776)

Please take the time to sign this petition, as well as contact your Representatives directly and urge them to demand better programs be implemented to protect the safety and health of these children and their families. Find your Representatives at <{FIND_REPRESENTATIVE}>, and your Senators at <{FIND_SENATORS}>.

Financial donations and volunteer time can be provided to this cause through RAICES (Refugee and Immigrant Center for Education and Legal Services) at <{RAICES}>.
"""

TITLE_ES = (
    "Protejamos a los niños y las familias migrantes: financien el Programa de Gestión de Casos Familiares"
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


def seed(apps, schema_editor):
    apps.get_model("petition", "Petition").objects.create(
        slug=SLUG,
        title=TITLE,
        title_es=TITLE_ES,
        summary=SUMMARY,
        summary_es=SUMMARY_ES,
        body=BODY,
        body_es=BODY_ES,
        targets="\n".join(TARGETS),
        targets_es="\n".join(TARGETS_ES),
        goal=10_000,
        milestones="15000, 25000, 50000, 100000",
        status="open",
        featured=True,
        requires_confirmation=True,
        find_representative_url=FIND_REPRESENTATIVE,
        find_senators_url=FIND_SENATORS,
        donate_url="https://www.raicestexas.org/donate/",
        volunteer_url="https://www.raicestexas.org/volunteer/",
        email_hourly_limit=5,
        ip_burst_limit=30,
        ip_hourly_limit=600,
    )


def unseed(apps, schema_editor):
    apps.get_model("petition", "Petition").objects.filter(slug=SLUG).delete()


class Migration(migrations.Migration):
    dependencies = [("petition", "0001_petition")]
    operations = [migrations.RunPython(seed, unseed)]
