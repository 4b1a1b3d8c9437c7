"""Idempotent demo data: one user per role and realistic Venezuelan sample records."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from accounts.two_factor import remove_two_factor
from config.env import env_str
from contractors_ro.models import Contractor, ContractorStatus
from crm.models import (
    ActivityType,
    Client,
    ClientKind,
    Contact,
    Industry,
    LeadSource,
    Opportunity,
    name_key,
)
from crm.models.goals import GoalPeriod, SalesGoal, period_start
from crm.money import original_amount, original_currency
from crm.opportunities.services import opportunity_create
from crm.phones import normalize_phone
from crm.selectors.exchange_rates import ves_per_usd_on
from crm.services import ActivityInput, activity_create
from crm.services.currency import freeze_pending_amounts, load_sample_rates
from crm.services.forecasts import take_forecast_snapshots
from crm.tax_ids import rif_with_check_digit
from projects_ro.models import Project, ProjectStatus

DEMO_PASSWORD = "Rumbo-Demo-2026"

USERS = [
    ("ejecutivo", "María", "González", Role.EXECUTIVE),
    ("ejecutivo2", "Carlos", "Pérez", Role.EXECUTIVE),
    ("gerente", "Ana", "Rodríguez", Role.MANAGER),
    ("admin", "Luis", "Herrera", Role.ADMIN),
    ("operaciones", "Pedro", "Márquez", Role.OPERATIONS),
    ("finanzas", "Carmen", "Villalobos", Role.FINANCE),
    ("legal", "Jorge", "Salazar", Role.LEGAL),
    ("calidad", "Rosa", "Quintero", Role.QUALITY),
]

# (name, RIF without check digit, industry, segment, owner's username, phone, city)
CLIENTS = [
    (
        "Inversiones Caribe Azul, C.A.",
        "J31245678",
        "Comercio y distribución",
        "B",
        "ejecutivo",
        "0212-5551020",
        "Caracas",
    ),
    (
        "Constructora Ávila 2020, C.A.",
        "J40123987",
        "Construcción",
        "A",
        "ejecutivo",
        "0212-5553344",
        "Caracas",
    ),
    (
        "Servicios Petroleros del Lago, S.A.",
        "J29876543",
        "Petróleo y gas",
        "A",
        "ejecutivo2",
        "0261-7981122",
        "Maracaibo",
    ),
    (
        "Alimentos La Sabana, C.A.",
        "J30567123",
        "Alimentos y bebidas",
        "A",
        "ejecutivo",
        "0243-2345566",
        "Maracay",
    ),
    (
        "Distribuidora Los Andes, C.A.",
        "J41234560",
        "Comercio y distribución",
        "B",
        "ejecutivo2",
        "0274-2631234",
        "Mérida",
    ),
    (
        "Clínica Santa Paula, C.A.",
        "J00345678",
        "Salud",
        "B",
        "ejecutivo",
        "0212-9873456",
        "Caracas",
    ),
    (
        "Transporte Orinoco Express, C.A.",
        "J31987654",
        "Transporte y logística",
        "C",
        "ejecutivo2",
        "0286-9512233",
        "Ciudad Guayana",
    ),
    (
        "Alcaldía del Municipio Sucre",
        "G20001234",
        "Gobierno y sector público",
        "B",
        "ejecutivo2",
        "0212-2721000",
        "Petare",
    ),
    (
        "Textiles Margarita, C.A.",
        "J40765432",
        "Manufactura",
        "C",
        "ejecutivo",
        "0295-2634455",
        "Porlamar",
    ),
    (
        "José Gregorio Hernández",
        "V12345678",
        "Servicios profesionales",
        "C",
        "ejecutivo",
        "0414-1234567",
        "Valencia",
    ),
    (
        "Tecnología Guayana, C.A.",
        "J50112233",
        "Tecnología y telecomunicaciones",
        "B",
        "ejecutivo2",
        "0286-9234455",
        "Puerto Ordaz",
    ),
]

CONTRACTORS = [
    ("Montajes Industriales Zulia, C.A.", "J30111222", "Montaje mecánico", "Rafael Urdaneta"),
    ("Electricidad Integral Lara, C.A.", "J30222333", "Electricidad", "Yolanda Briceño"),
    ("Ingeniería Civil Bolívar, C.A.", "J30333444", "Obras civiles", "Andrés Guevara"),
    ("Seguridad Industrial Monagas, C.A.", "J30444555", "HSE", "Lucía Ferrer"),
    ("Soldaduras Especiales Anzoátegui, C.A.", "J30555666", "Soldadura", "Manuel Rojas"),
    ("Pinturas y Recubrimientos Carabobo, C.A.", "J30666777", "Pintura industrial", "Elena Prieto"),
    ("Telecomunicaciones Mérida, C.A.", "J30777888", "Telecomunicaciones", "Víctor Uzcátegui"),
    ("Transporte Pesado Apure, C.A.", "J30888999", "Transporte", "Rosa Parra"),
]

PROJECTS = [
    (
        "PRY-2026-001",
        "Ampliación de planta de envasado",
        3,
        ProjectStatus.IN_PROGRESS,
        date(2026, 2, 1),
        date(2026, 12, 15),
        "Pedro Márquez",
        "Maracay, Aragua",
        [0, 1, 5],
    ),
    (
        "PRY-2026-002",
        "Mantenimiento de tanques de almacenamiento",
        2,
        ProjectStatus.IN_PROGRESS,
        date(2026, 3, 10),
        date(2026, 9, 30),
        "Pedro Márquez",
        "Cabimas, Zulia",
        [0, 4, 3],
    ),
    (
        "PRY-2026-003",
        "Tendido eléctrico del galpón central",
        4,
        ProjectStatus.PLANNED,
        date(2026, 7, 1),
        None,
        "Gabriela Núñez",
        "Valencia, Carabobo",
        [1],
    ),
    (
        "PRY-2025-014",
        "Remodelación de quirófanos",
        5,
        ProjectStatus.COMPLETED,
        date(2025, 4, 1),
        date(2025, 11, 20),
        "Gabriela Núñez",
        "Caracas, Distrito Capital",
        [2, 5],
    ),
    (
        "PRY-2026-004",
        "Red de fibra óptica municipal",
        7,
        ProjectStatus.ON_HOLD,
        date(2026, 1, 15),
        None,
        "Héctor Mora",
        "Petare, Miranda",
        [6],
    ),
    (
        "PRY-2026-005",
        "Patio de carga y rampas",
        6,
        ProjectStatus.IN_PROGRESS,
        date(2026, 5, 5),
        date(2027, 1, 31),
        "Héctor Mora",
        "Ciudad Guayana, Bolívar",
        [2, 7],
    ),
    (
        "PRY-2024-031",
        "Sede administrativa",
        1,
        ProjectStatus.CANCELLED,
        date(2024, 8, 1),
        date(2024, 10, 1),
        "Pedro Márquez",
        "Caracas, Distrito Capital",
        [],
    ),
]


# (client index, opportunity, stage, value, days to close, contact name, position)
OPPORTUNITIES = [
    (
        3,
        "Mantenimiento de líneas de envasado 2027",
        "prospecting",
        18000,
        75,
        "Ana Pérez",
        "Compras",
    ),
    (1, "Obras civiles de la sede Los Ruices", "qualification", 95000, 60, "Luis Díaz", "Gerente"),
    (2, "Inspección de tanques Q1", "proposal", 42000, 30, "Carla Romero", "Mantenimiento"),
    (
        5,
        "Remodelación del área de emergencias",
        "negotiation",
        130000,
        20,
        "José Rivas",
        "Director",
    ),
    (
        0,
        "Suministro de equipos de climatización",
        "closing",
        27500,
        10,
        "Marta León",
        "Administración",
    ),
    (6, "Patio de carga fase 2", "proposal", 64000, 45, "Pedro Gil", "Operaciones"),
    (8, "Consultoría de eficiencia energética", "prospecting", 9000, 90, "Rosa Díaz", "Planta"),
]


def full_rif(compact: str) -> str:
    """J31245678 -> J-31245678-D, with its check digit."""
    return rif_with_check_digit(compact[0], int(compact[1:]))


def served_at() -> str:
    """The address bin/run serves on: its PORT as runserver takes it ("8080", "0.0.0.0:8080")."""
    host, _colon, port = env_str("PORT", "127.0.0.1:8000").rpartition(":")
    if host in ("", "0.0.0.0", "[::]"):  # noqa: S104 (reading an address, not binding)
        host = "127.0.0.1"
    return f"http://{host}:{port}"


class Command(BaseCommand):
    help = "Creates demo users (one per role) and sample data. Safe to run more than once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Create demo users with the known password even when DEBUG is off.",
        )

    @transaction.atomic
    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to create demo users with a known password while DEBUG is off. "
                "Use --force if this really is a demo installation."
            )
        users = self._users()
        for user, _role in users:
            remove_two_factor(user=user)  # the demo logins always work with the password
        self._data()
        message = _("Demo data ready. Sign in at %(url)s") % {"url": served_at()}
        self.stdout.write(self.style.SUCCESS(message))
        for user, role in users:
            line = f"  {role.value:<20} usuario: {user.username:<12} clave: {DEMO_PASSWORD}"
            self.stdout.write(line)
        self.stdout.write(self._two_factor_note())

    def _two_factor_note(self) -> str:
        """How two-factor sign-in applies to the demo logins (their devices were reset)."""
        required = ", ".join(settings.OTP_REQUIRED_ROLES)
        if required:
            return _(
                "Two-factor sign-in is required for: %(roles)s. After the password, those "
                "users are sent to Seguridad (%(url)s) to scan a QR code with an authenticator "
                "app. Running seed_demo again removes the demo users' authenticators."
            ) % {"roles": required, "url": served_at() + reverse("accounts:security")}
        return _(
            "Two-factor sign-in is optional here (OTP_REQUIRED_ROLES is empty, as with DEBUG): "
            "any demo user can turn it on in Seguridad (%(url)s). Running seed_demo again "
            "removes the demo users' authenticators."
        ) % {"url": served_at() + reverse("accounts:security")}

    def _users(self) -> list[tuple[User, Role]]:
        created = []
        for username, first, last, role in USERS:
            user, _new = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@rumbo.local",
                },
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.set([Group.objects.get(name=role.value)])
            created.append((user, role))
        return created

    def _data(self) -> None:
        # A year of daily exchange rates, so that amounts in VES are accepted and converted.
        load_sample_rates(end=timezone.localdate())
        clients = []
        for name, compact, industry, segment, owner, phone, city in CLIENTS:
            domain = name_key(name).replace(" ", "")[:20] + ".com.ve"
            client, _new = Client.objects.update_or_create(
                tax_id=full_rif(compact),
                defaults={
                    "name": name,
                    "kind": ClientKind.PERSON if compact[0] == "V" else ClientKind.COMPANY,
                    "industry": Industry.objects.get(name=industry),
                    "segment": segment,
                    "owner": User.objects.get(username=owner),
                    "phone": normalize_phone(phone),
                    "email": f"info@{domain}",
                    "website": f"https://www.{domain}",
                    "address": f"Av. Principal, {city}",
                    "lead_source": LeadSource.REFERRAL,
                },
            )
            clients.append(client)
        contractors = []
        for name, compact, specialty, contact in CONTRACTORS:
            slug = compact.lower()
            contractor, _new = Contractor.objects.update_or_create(
                tax_id=full_rif(compact),
                defaults={
                    "name": name,
                    "specialty": specialty,
                    "contact_name": contact,
                    "phone": "+58 212 555 " + compact[-4:],
                    "email": f"contacto@{slug}.com.ve",
                    "status": ContractorStatus.ACTIVE,
                },
            )
            contractors.append(contractor)
        for code, name, client, status, start, end, manager, location, team in PROJECTS:
            project, _new = Project.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "client": clients[client],
                    "status": status,
                    "start_date": start,
                    "end_date": end,
                    "manager": manager,
                    "location": location,
                    "description": f"{name} para {clients[client].name}.",
                },
            )
            project.contractors.set([contractors[i] for i in team])
        if not Opportunity.all_objects.exists():
            self._pipeline(clients)
        # This month's forecast, frozen as the scheduler does on the 1st (Precisión del
        # pronóstico fills up month by month from here).
        take_forecast_snapshots(today=timezone.localdate())
        self._goals()

    def _goals(self) -> None:
        """This month's Metas of the two executives, set by the manager (kept if edited)."""
        month = period_start(GoalPeriod.MONTH, timezone.localdate())
        manager = User.objects.get(username="gerente")
        for username, target in (("ejecutivo", 150_000), ("ejecutivo2", 100_000)):
            SalesGoal.objects.get_or_create(
                executive=User.objects.get(username=username),
                period=GoalPeriod.MONTH,
                starts_on=month,
                defaults={
                    "won_value": Decimal(target),
                    "new_opportunities": 4,
                    "activities": 20,
                    "set_by": manager,
                },
            )
        freeze_pending_amounts()  # the targets' VES values, at the rate of the 1st

    def _quote(self, opportunity: Opportunity, *, number: str) -> None:
        """A real PDF quote on the opportunity's Documentos tab, through "Subir Documento"."""
        import weasyprint
        from django.core.files.uploadedfile import SimpleUploadedFile

        from documents.models import DocumentKind
        from documents.quotes import QuoteInput
        from documents.services import DocumentInput, document_upload

        amount = original_amount(opportunity, "estimated_value")
        currency = original_currency(opportunity, "estimated_value")
        html = (
            f"<h1>Cotización {number}</h1><p>{opportunity.client.name}</p>"
            f"<p>{opportunity.name}</p><p>Monto total: {currency} {amount:,.2f}</p>"
        )
        pdf = weasyprint.HTML(string=html).write_pdf()
        document_upload(
            user=opportunity.owner,
            data=DocumentInput(
                kind=DocumentKind.QUOTE,
                title=f"Cotización {number} · {opportunity.name}",
                client=opportunity.client,
                opportunity=opportunity,
            ),
            upload=SimpleUploadedFile(f"{number}.pdf", pdf, content_type="application/pdf"),
            quote=QuoteInput(
                number=number,
                valid_until=timezone.localdate() + timedelta(days=15),
                total_amount=amount,
                currency=currency,
            ),
        )

    def _pipeline(self, clients: list[Client]) -> None:
        """Opportunities in every stage with contacts and activities, through the services so
        that stage rows and history exist as if people had worked them."""
        now = timezone.now()
        bant = {"bant_budget": True, "bant_authority": True, "bant_need": True}
        # Today's rate (always there: the sample rates above end today).
        rate = ves_per_usd_on(timezone.localdate())
        for index, name, stage, value, days, contact_name, position in OPPORTUNITIES:
            client = clients[index]
            contact = client.contacts.first() or Contact.objects.create(
                client=client,
                name=contact_name,
                position=position,
                # The client's own domain, so "Enviar Cotización" has someone to write to.
                email=f"{name_key(contact_name).replace(' ', '.')}@{client.email.split('@')[-1]}",
                is_primary=True,
            )
            answers = bant | {"bant_timeline": True} if stage != "prospecting" else {}
            # Every third deal was quoted in bolívares (at today's rate, roughly its value).
            amount: dict[str, Decimal | str] = {"estimated_value": Decimal(value)}
            if index % 3 == 2 and rate is not None:
                amount = {
                    "estimated_value": (Decimal(value) * rate).quantize(Decimal("1")),
                    "estimated_value_currency": "VES",
                }
            opportunity = opportunity_create(
                user=client.owner,
                data={
                    "name": name,
                    "client": client,
                    "contact": contact,
                    **amount,
                    "expected_close_date": timezone.localdate() + timedelta(days=days),
                    "owner": client.owner,
                    "customer_needs": "Reducir paradas no programadas.",
                    **answers,
                },
                stage=stage,
            )
            activity_create(
                user=client.owner,
                client=client,
                opportunity=opportunity,
                data=ActivityInput(
                    type=ActivityType.CALL,
                    subject="Llamada de descubrimiento",
                    done_at=now - timedelta(days=days % 9 + 1),
                    notes="Conversamos sobre el alcance y el presupuesto.",
                    contact=contact,
                ),
            )
            if index % 2 == 0:
                activity_create(
                    user=client.owner,
                    client=client,
                    opportunity=opportunity,
                    data=ActivityInput(
                        type=ActivityType.MEETING,
                        subject="Reunión de seguimiento",
                        scheduled_at=now + timedelta(days=index % 4, hours=2),
                        contact=contact,
                    ),
                )
            if stage == "proposal":
                self._quote(opportunity, number=f"COT-2026-{index + 101:04d}")
        overdue = clients[4]
        activity_create(
            user=overdue.owner,
            client=overdue,
            data=ActivityInput(
                type=ActivityType.SATISFACTION_CALL,
                subject="Llamada de satisfacción mensual",
                scheduled_at=now - timedelta(days=2),
            ),
        )
