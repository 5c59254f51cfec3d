"""Experience bodies as a client sends them: one valid example of each of the nine types."""

from __future__ import annotations

from tests.support.accounts import Account, Client

# One valid experience of each of the nine types, as a client would send them.
NINE_EXPERIENCES: dict[str, dict] = {
    "certificate": {
        "title": "AWS Solutions Architect",
        "organization": "Amazon Web Services",
        "start_date": "2023-01-15",
        "type_specific_data": {
            "certification_number": "ABC123",
            "certifying_body": "AWS",
            "expiration_date": "2026-01-15",
            "is_renewable": True,
        },
    },
    "degree": {
        "title": "BSc Computer Science",
        "organization": "State University",
        "start_date": "2012-09-01",
        "end_date": "2016-06-30",
        "naics_code": "611310",
        "type_specific_data": {
            "degree_level": "Bachelor",
            "major": "Computer Science",
            "minor": "Mathematics",
            "gpa": 3.8,
            "honors": ["Dean's List", "Cum Laude"],
        },
    },
    "course": {
        "title": "Introduction to Databases",
        "organization": "Open University",
        "type_specific_data": {"course_code": "CS101", "credits": 3, "grade": "A", "instructor": "Dr. Smith"},
    },
    "gig": {
        "title": "Data pipeline contract",
        "organization": "Acme",
        "naics_code": "541511",
        "type_specific_data": {"contract_type": "1099", "hourly_rate": 150, "total_hours": 120},
    },
    "part_time": {
        "title": "Teaching assistant",
        "type_specific_data": {"hours_per_week": 20, "employment_type": "w2", "department": "Engineering"},
    },
    "full_time": {
        "title": "Senior Software Engineer",
        "organization": "Initech",
        "start_date": "2019-03-01",
        "is_current": True,
        "naics_code": "541511",
        "tags": ["python", "search"],
        "type_specific_data": {
            "job_title": "Senior Software Engineer",
            "department": "Engineering",
            "team_size": 8,
            "responsibilities": ["Led team of 5", "Architected system"],
        },
    },
    "soft_skill": {
        "title": "Public speaking",
        "type_specific_data": {"skill_level": "advanced", "contexts": ["team leadership", "public speaking"]},
    },
    "hard_skill": {
        "title": "Python",
        "type_specific_data": {"proficiency_level": "expert", "years_experience": 5, "tools": ["FastAPI"]},
    },
    "native_skill": {
        "title": "Spanish",
        "type_specific_data": {"skill_type": "language", "language": "Spanish", "proficiency": "native"},
    },
}

CATEGORIES = {
    "certificate": "education",
    "degree": "education",
    "course": "education",
    "gig": "workplace",
    "part_time": "workplace",
    "full_time": "workplace",
    "soft_skill": "skills",
    "hard_skill": "skills",
    "native_skill": "skills",
}


async def create_experience(
    client: Client, account: Account, experience_type: str, **changes: object
) -> dict:
    body = {"experience_type": experience_type, **NINE_EXPERIENCES[experience_type], **changes}
    response = await client.post("/api/v1/experiences", json=body, headers=account.auth)
    assert response.status_code == 201, response.text
    return response.json()
