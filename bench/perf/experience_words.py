"""Words the synthetic experiences are made of, and the searches sent over them."""

from __future__ import annotations

EXPERIENCE_TYPES = [
    ("certificate", "education"),
    ("degree", "education"),
    ("course", "education"),
    ("gig", "workplace"),
    ("part_time", "workplace"),
    ("full_time", "workplace"),
    ("soft_skill", "skills"),
    ("hard_skill", "skills"),
    ("native_skill", "skills"),
]

ROLES = [
    "Software Engineer",
    "Registered Nurse",
    "Barista",
    "Data Analyst",
    "Electrician",
    "Line Cook",
    "Bookkeeper",
    "Truck Driver",
    "Graphic Designer",
    "Dental Hygienist",
    "Carpenter",
    "Sales Associate",
    "Welder",
    "Pharmacy Technician",
    "Civil Engineer",
    "Teacher Assistant",
    "Plumber",
    "Accountant",
    "Machine Operator",
    "Customer Support Agent",
    "Veterinary Technician",
    "Web Developer",
    "Warehouse Associate",
    "Photographer",
    "Paralegal",
    "Landscaper",
    "Physical Therapist",
    "Chef",
    "Project Manager",
    "Mechanic",
]

TOPICS = [
    "inventory systems",
    "patient care",
    "espresso drinks",
    "quarterly reports",
    "wiring installations",
    "menu planning",
    "payroll",
    "long haul routes",
    "brand identity",
    "preventive care",
    "cabinetry",
    "retail displays",
    "pipe welding",
    "prescriptions",
    "bridge inspections",
    "classroom support",
    "water heaters",
    "tax returns",
    "assembly lines",
    "ticket triage",
]

ORGANIZATIONS = [
    "Acme Corp",
    "Northwind Traders",
    "Globex",
    "Initech",
    "Umbrella Health",
    "Stark Industries",
    "Wayne Logistics",
    "Hooli",
    "Vandelay Imports",
    "Soylent Foods",
    "Tyrell Systems",
    "Cyberdyne",
    "Blue Sun",
    "Oceanic Air",
    "Monarch Dental",
    "Wonka Confectionery",
]

CITIES = ["Austin", "Denver", "Boston", "Seattle", "Chicago", "Atlanta", "Phoenix", "Portland", "Miami"]

TAGS = [
    "python",
    "leadership",
    "safety",
    "customer service",
    "excel",
    "forklift",
    "cpr",
    "spanish",
    "welding",
    "scheduling",
    "sql",
    "negotiation",
]


def search_queries() -> list[str]:
    """Whole words, word prefixes as typed, and two-word searches over the synthetic text."""
    words = sorted({w.lower() for phrase in ROLES + TOPICS for w in phrase.split() if len(w) > 3})
    queries = list(words)
    queries += [w[:4] for w in words]
    queries += [role.lower() for role in ROLES]
    queries += [
        f"{role.split()[0].lower()} {city.lower()}" for role, city in zip(ROLES, CITIES * 4, strict=False)
    ]
    return queries
