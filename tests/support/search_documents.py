"""A handful of real NAICS rows and experiences for tests that talk to a search engine directly.

Their keywords, aliases and descriptions were chosen so that every relevance tier has a query
that hits it and nothing better. Indexes are created from the versioned JSON definitions exactly
as the service creates them (physical index + alias, uniquely prefixed).
"""

from __future__ import annotations

from typing import Any

from opensearchpy import OpenSearch

from app.search.definitions import alias_name, load_definition, physical_index_name

SECTOR_TITLES = {
    "51": "Information",
    "54": "Professional, Scientific, and Technical Services",
    "62": "Health Care and Social Assistance",
    "72": "Accommodation and Food Services",
}


def naics(code: str, title: str, **extra: Any) -> dict[str, Any]:
    """A naics_codes row with the hierarchy derived from the code."""
    sector = code[:2]
    level = len(code)
    parent = {2: None, 3: sector, 4: code[:3], 6: code[:4]}[level]
    return {
        "code": code,
        "title": title,
        "level": level,
        "parent_code": parent,
        "sector": sector,
        "sector_title": SECTOR_TITLES[sector],
        "subsector": code[:3] if level >= 3 else None,
        "industry_group": code[:4] if level >= 4 else None,
        "category": extra.pop("category"),
        **extra,
    }


NAICS_ROWS: list[dict[str, Any]] = [
    naics(
        "54",
        "Professional, Scientific, and Technical Services",
        category="professional_services",
        description="The Professional, Scientific, and Technical Services sector comprises establishments "
        "that specialize in performing professional, scientific, and technical activities for others.",
    ),
    naics(
        "5415",
        "Computer Systems Design and Related Services",
        category="technology",
        description="This industry group comprises establishments primarily engaged in providing expertise "
        "in the field of information technologies through one or more of a range of activities.",
    ),
    naics(
        "541511",
        "Custom Computer Programming Services",
        category="technology",
        keywords=["programming", "coding", "web development"],
        aliases=["App Development", "Software Development"],
        description="This U.S. industry comprises establishments primarily engaged in writing, modifying, "
        "testing, and supporting software to meet the needs of a particular customer.",
        examples="Custom software analysis and design services; computer program or software development.",
    ),
    naics(
        "541512",
        "Computer Systems Design Services",
        category="technology",
        keywords=["systems integration", "computer consulting"],
        aliases=["IT Consulting"],
        description="This U.S. industry comprises establishments primarily engaged in planning and "
        "designing computer systems that integrate computer hardware, software, and communication "
        "technologies.",
    ),
    naics(
        "513210",
        "Software Publishers",
        category="technology",
        keywords=["applications", "video game publishing"],
        aliases=["Software Company", "SaaS"],
        description="This industry comprises establishments primarily engaged in software publishing. "
        "Establishments in this industry carry out operations necessary for producing and distributing "
        "computer software, such as designing, providing documentation, assisting in installation, and "
        "providing support services to software purchasers.",
    ),
    naics(
        "621210",
        "Offices of Dentists",
        category="healthcare",
        keywords=["dentistry", "orthodontics", "oral surgery"],
        aliases=["Dental Clinic", "Dentist Office"],
        description="This industry comprises establishments of health practitioners having the degree of "
        "D.M.D. (Doctor of Dental Medicine) or D.D.S. (Doctor of Dental Surgery) primarily engaged in "
        "the independent practice of general or specialized dentistry.",
    ),
    naics(
        "722511",
        "Full-Service Restaurants",
        category="hospitality",
        keywords=["restaurant", "fine dining", "bistro"],
        aliases=["Sit-Down Restaurant", "Diner"],
        description="This U.S. industry comprises establishments primarily engaged in providing food "
        "services to patrons who order and are served while seated (i.e., waiter/waitress service) and "
        "pay after eating.",
    ),
    naics(
        "722513",
        "Limited-Service Restaurants",
        category="hospitality",
        keywords=["restaurant", "pizza delivery", "drive-in"],
        aliases=["Fast Food Restaurant", "Takeout Restaurant"],
        description="This U.S. industry comprises establishments primarily engaged in providing food "
        "services (except snack and nonalcoholic beverage bars) where patrons generally order or select "
        "items and pay before eating. Fast food restaurant, carryout restaurant and delicatessen "
        "restaurant establishments are included.",
    ),
    naics(
        "722515",
        "Snack and Nonalcoholic Beverage Bars",
        category="hospitality",
        keywords=["espresso bar", "juice bar"],
        aliases=["Café", "Coffee Shop"],
        description="This U.S. industry comprises establishments primarily engaged in preparing and/or "
        "serving a specialty snack, such as ice cream, frozen yogurt, cookies, or popcorn, or serving "
        "nonalcoholic beverages, such as coffee, juices, or sodas for consumption on or near the premises.",
    ),
    # The 2017 code for software publishers, kept but inactive: only active_only=False finds it.
    naics(
        "511210",
        "Software Publishers",
        category="technology",
        is_active=False,
        description="Replaced by 513210 in NAICS 2022.",
    ),
]


EXPERIENCE_ROWS: list[dict[str, Any]] = [
    {
        "id": "e1",
        "username": "ada",
        "email": "ada@example.com",  # must never reach the index
        "password_hash": "x",
        "title": "Senior Software Engineer",
        "description": "Built billing services and internal developer platforms.",
        "organization": "Acme Robotics",
        "location": "Austin, TX",
        "experience_type": "work",
        "category": "technology",
        "tags": ["python", "kubernetes"],
        "type_data": {"employment_type": "full_time", "technologies": ["Python", "Go"]},
        "start_date": "2021-03-01",
        "end_date": None,
        "is_current": True,
        "naics_code": "541511",
        "naics_title": "Custom Computer Programming Services",
        "sector": "54",
        "sector_title": SECTOR_TITLES["54"],
        "naics_category": "technology",
        "created_at": "2024-01-05T10:00:00Z",
        "updated_at": "2024-01-05T10:00:00Z",
    },
    {
        "id": "e2",
        "username": "bob",
        "title": "Line Cook",
        "description": "Grill and saute station in a busy restaurant kitchen.",
        "organization": "Chez Panisse",
        "location": "Berkeley, CA",
        "experience_type": "work",
        "category": "hospitality",
        "tags": ["cooking"],
        "start_date": "2015-06-01",
        "end_date": "2018-08-31",
        "is_current": False,
        "naics_code": "722511",
        "naics_title": "Full-Service Restaurants",
        "sector": "72",
        "sector_title": SECTOR_TITLES["72"],
        "naics_category": "hospitality",
        "created_at": "2024-01-06T10:00:00Z",
        "updated_at": "2024-01-06T10:00:00Z",
    },
    {
        "id": "e3",
        "username": "cy",
        "title": "Dental Hygienist",
        "description": "Cleanings, x-rays and patient education.",
        "organization": "Bright Smiles Dental",
        "experience_type": "work",
        "category": "healthcare",
        "tags": [],
        "start_date": "2019-01-15",
        "end_date": "2022-12-31",
        "naics_code": "621210",
        "naics_title": "Offices of Dentists",
        "sector": "62",
        "sector_title": SECTOR_TITLES["62"],
        "naics_category": "healthcare",
        "created_at": "2024-01-07T10:00:00Z",
        "updated_at": "2024-01-07T10:00:00Z",
    },
    {
        "id": "e4",
        "username": "ada",
        "title": "Volunteer Programming Tutor",
        "description": "Taught teenagers to write their first games.",
        "organization": "Code Club",
        "experience_type": "volunteer",
        "category": "education",
        "tags": ["teaching", "programming"],
        "start_date": "2019-09-01",
        "end_date": "2020-06-30",
        "naics_code": "541511",
        "naics_title": "Custom Computer Programming Services",
        "sector": "54",
        "sector_title": SECTOR_TITLES["54"],
        "naics_category": "technology",
        "created_at": "2024-01-08T10:00:00Z",
        "updated_at": "2024-01-08T10:00:00Z",
    },
    {
        "id": "e5",
        "username": "dee",
        "title": "Software Development Certificate",
        "description": "Twelve-week course in full-stack web development.",
        "organization": "State University Extension",
        "experience_type": "certification",
        "category": "technology",
        "tags": ["javascript"],
        "type_data": {"issuer": "Coursera", "credential_id": "ABC-123"},
        "start_date": "2023-02-01",
        "end_date": "2023-05-01",
        "naics_code": "513210",
        "naics_title": "Software Publishers",
        "sector": "51",
        "sector_title": SECTOR_TITLES["51"],
        "naics_category": "technology",
        "created_at": "2024-01-09T10:00:00Z",
        "updated_at": "2024-01-09T10:00:00Z",
    },
]


def create_index(
    client: OpenSearch, kind: str, prefix: str, docs: list[dict[str, Any]], id_field: str
) -> str:
    """An index built as the service builds it (physical index + alias), filled with `docs`."""
    definition = load_definition(kind)
    physical = physical_index_name(kind, definition.version, prefix=prefix)
    alias = alias_name(kind, prefix)
    client.indices.create(index=physical, body=definition.create_body())
    client.indices.put_alias(index=physical, name=alias)
    actions: list[dict[str, Any]] = []
    for doc in docs:
        actions.append({"index": {"_index": alias, "_id": doc[id_field]}})
        actions.append(doc)
    result = client.bulk(body=actions, refresh=True)
    assert not result["errors"], result
    return alias
