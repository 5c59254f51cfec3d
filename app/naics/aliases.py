"""Predefined aliases: what people write on a resume for an industry, mapped to its code.

Data, reviewed like data: each entry is a code and the everyday names a user
might type for it ("SaaS", "Dentist") that the official title does not contain.
A job title counts too ("Nurse", "Barista", "Firefighter"): the Census index names
establishments, not the people who work in them, and on a resume the job is often all a user
types; such an alias points at the industry where most people in that job work, or at the
sector or subsector when the job spreads across its industries ("Cashier" 44, "Truck Driver" 484).
They ship in the catalogue data file (rebuild it with ``levelith naics build-data`` after an
edit), so a fresh database has them; ``levelith naics keywords aliases`` merges them into an
older database's ``naics_codes.aliases`` and takes off the ones a release retired
(:data:`RETIRED_ALIASES`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

PREDEFINED_ALIASES: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        # A whole industry as people name it on a resume ("I work in hospitality"): where the
        # words start no title, the sector or industry group they mean.
        "51": ("Technology",),
        "52": ("Financial Services",),
        "62": ("Hospitals and Health Care",),
        "72": ("Hospitality",),
        "92": ("Government", "Government Administration", "Government Agency", "Public Sector"),
        "2211": ("Energy", "Electric Utility", "Renewable Energy", "Clean Energy"),
        "221114": ("Solar Energy",),
        "221115": ("Wind Energy", "Wind Farm"),
        "481": ("Aviation",),
        "483": ("Maritime",),
        "516": ("Broadcast Media",),
        "624": ("Social Services",),
        # Technology and media
        "541511": (
            "App Development",
            "Mobile App Development",
            "Software Development",
            "Software Engineering",
            "Web Development",
            "Web Designer",
            "Software Developer",
            "Programmer",
            "Computer Programmer",
        ),
        "541512": ("IT Consulting", "Systems Integration", "Cybersecurity", "DevOps"),
        "5415": ("IT Services", "Information Technology"),
        "513210": (
            "Software Company",
            "SaaS",
            "Software as a Service",
            "Tech Startup",
            "Video Game Studio",
            "Game Developer",
            "EdTech",
            "Mobile Games",
        ),
        "513130": ("Book Publishing", "Publishing House"),
        "518210": ("Cloud Computing", "Web Hosting", "Data Center"),
        "517111": ("Internet Service Provider", "ISP", "Telecom"),
        "516210": (
            "Social Media",
            "Streaming Platform",
            "Podcast",
            "Content Creator",
            "YouTube Channel",
            "Live Streaming",
            "Influencer",
            "Social Media Influencer",
            "YouTuber",
        ),
        # Professional services
        "541611": ("Management Consulting", "Business Consulting"),
        "541613": ("Marketing Agency", "Digital Marketing"),
        "541810": ("Ad Agency", "Advertising"),
        "541110": ("Law Firm", "Legal Services", "Attorney"),
        "541211": ("Accounting Firm", "CPA Firm", "Public Accounting"),
        "541213": ("Tax Preparation", "Tax Services"),
        "541330": (
            "Engineering Firm",
            "Engineering Consulting",
            "Civil Engineer",
            "Mechanical Engineer",
            "Electrical Engineer",
            "Structural Engineer",
        ),
        "541715": ("R&D Lab", "Research Lab", "Artificial Intelligence", "Machine Learning"),
        "541922": ("Photography Studio", "Photographer"),
        "541940": ("Vet Tech", "Veterinary Technician"),
        "561311": ("Recruiting Agency", "Staffing Agency", "Headhunter"),
        "561320": ("Temp Agency",),
        "561720": ("Cleaning Services", "Janitorial"),
        "5614": ("Outsourcing", "Business Process Outsourcing", "BPO"),
        "561422": ("Call Center", "Contact Center"),
        "561612": ("Security",),
        "541720": ("Think Tank",),
        # Finance and real estate
        "522110": ("Bank", "Retail Banking"),
        "523150": ("Investment Bank", "Brokerage"),
        "522320": ("Fintech", "Payment Processing"),
        "522299": ("Pawn Shop",),
        "524210": ("Insurance Agency", "Insurance Broker"),
        "523940": (
            "Financial Advisor",
            "Financial Planner",
            "Wealth Management",
            "Hedge Fund",
            "Asset Management",
        ),
        "531210": ("Real Estate Agency", "Realtor", "Real Estate Brokerage"),
        "531311": ("Property Management",),
        # Healthcare
        "621399": ("Alternative Medicine",),
        "621210": ("Dentist", "Dental Office", "Dental Clinic", "Dental Hygienist", "Dental Assistant"),
        "621111": (
            "Doctor's Office",
            "Medical Practice",
            "Physician",
            "Surgeon",
            "Primary Care",
            "Clinic",
            "Medical Assistant",
        ),
        "622110": ("Hospital", "Medical Center", "Nurse", "Registered Nurse"),
        "623110": (
            "Nursing Home",
            "Skilled Nursing",
            "Nursing Assistant",
            "Certified Nursing Assistant",
            "CNA",
        ),
        "621610": ("Home Health", "Home Care"),
        "456110": ("Pharmacist",),
        "621330": ("Counselor", "Mental Health Counselor", "Psychotherapist"),
        "624190": ("Social Worker",),
        "624120": ("Caregiver", "Personal Care Aide"),
        "621910": ("Paramedic", "EMT"),
        "624410": ("Daycare", "Child Care", "Preschool"),
        # Education
        "611310": ("University", "College", "Higher Education", "Professor", "Lecturer"),
        "611110": (
            "K-12 School",
            "High School",
            "Elementary School",
            "Teacher",
            "School Teacher",
            "School Principal",
        ),
        # The Census index puts tutoring with exam preparation, not with educational support.
        "611691": ("Tutor",),
        "611710": ("Education Consulting",),
        "611420": ("Coding Bootcamp",),
        "611620": ("Swim Lessons", "Swim Instructor"),
        # Hospitality and food
        "722511": ("Restaurant", "Fine Dining", "Sit-Down Restaurant", "Chef", "Waiter", "Waitress"),
        "722513": ("Fast Food", "Quick Service Restaurant", "QSR"),
        "722515": ("Coffee Shop", "Cafe", "Juice Bar", "Barista"),
        "721110": ("Hotel", "Motel"),
        "722410": ("Bartender", "Sports Bar"),
        "311811": ("Bakery",),
        # Retail
        "445110": ("Grocery Store", "Supermarket"),
        "455110": ("Department Store",),
        "456130": ("Optician",),
        "459991": ("Cannabis Dispensary", "Marijuana Dispensary", "Dispensary"),
        # Internet retail of general merchandise; a store selling one kind of goods online is
        # classed with the shops selling those goods.
        "455219": ("Online Store", "Online Retailer", "E-commerce", "Ecommerce"),
        "44": ("Cashier", "Sales Associate", "Retail Associate"),
        # Construction and trades
        "236117": ("Home Builder", "Homebuilder", "Home Building"),
        "236220": ("General Contractor", "Commercial Construction"),
        "23": ("Construction Worker", "Contractor"),
        "238220": ("Plumber", "HVAC"),
        "238160": ("Roofer",),
        "238320": ("House Painter", "Painting Contractor"),
        "561730": ("Landscaper", "Gardener"),
        "811111": ("Mechanic", "Auto Mechanic", "Auto Shop"),
        "332710": ("Machinist",),
        "332": ("Welder",),
        # Transportation
        "484210": ("Movers",),
        "484121": ("Trucking Company", "Long-Haul Trucking"),
        "484": ("Truck Driver",),
        "492110": ("Courier", "Delivery Service", "Parcel Delivery", "Package Delivery"),
        "485310": ("Uber Driver", "Lyft Driver", "Rideshare Driver", "Taxi Driver"),
        "481111": ("Flight Attendant", "Airline", "Airline Pilot", "Pilot"),
        "491110": ("Mail Carrier", "Mailman"),
        "488510": ("Logistics", "Logistics Company", "Third-Party Logistics", "3PL", "Freight Broker"),
        "493110": ("Warehouse Worker", "Warehouse Associate", "Forklift Operator", "Fulfillment Center"),
        # Manufacturing
        "311": ("Food Processing",),
        "334111": ("Computer Hardware", "Computer Manufacturer"),
        "336110": ("Automaker", "Car Manufacturer", "Auto Manufacturing"),
        "325412": ("Pharma",),
        # Arts, recreation, personal services
        "512110": ("Film Production", "Video Production", "Film", "Filmmaker", "Media Production"),
        "711510": ("Freelance Writer", "Freelance Artist", "Author"),
        "721214": ("Camp Counselor",),
        "711130": ("Musician",),  # the Census index: "Musicians, independent"
        "713940": (
            "Gym",
            "Fitness Center",
            "Health Club",
            "Fitness Instructor",
            "Personal Trainer",
            "Lifeguard",
            "Wellness and Fitness",
        ),
        "812112": ("Hair Salon", "Beauty Salon", "Hair Stylist", "Cosmetologist"),
        "812199": ("Massage Therapist", "Spa", "Day Spa"),
        "813110": ("Church", "Religious Organization", "Pastor", "Priest", "Rabbi", "Imam", "Clergy"),
        "813": ("Nonprofit", "Non-Profit Organization", "NGO"),
        "814110": ("Nanny", "Au Pair"),
        "812910": ("Dog Walker", "Pet Sitter", "Dog Trainer", "Dog Groomer", "Pet Groomer"),
        # Public service
        "922120": ("Police Officer", "Police Department", "Law Enforcement"),
        "922160": ("Firefighter", "Fire Department"),
        "928110": ("Military", "Armed Forces", "Defense"),
        # Waste
        "562920": ("Recycling",),  # the Census's recyclable materials recovery facilities
        # Agriculture
        "111": ("Farmer",),
    }
)

# Built-in aliases an earlier release shipped on a code and a later one moved or dropped, per
# code. A fresh install never has them; ``levelith naics keywords aliases`` takes them off a
# database an older release seeded (and adds the new ones), so an upgrade answers like a fresh
# install.
RETIRED_ALIASES: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "611710": ("Tutoring",),  # to 611691 as "Tutor" (stop 33)
        "711510": ("Musician",),  # to 711130 (stop 33)
    }
)
