from __future__ import annotations

import pytest

from retrieval.answer_forms import answer_form


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("Kapan Lavrov bertemu Kerry?", "kapan"),
        ("Sejak kapan Walid Phares jadi penasihat Trump?", "kapan"),
        ("Tahun berapa Rusia membangun pangkalan di Tartus?", "kapan"),
        ("Pada tanggal berapakah kapal itu tenggelam?", "kapan"),
        ("When did ISIS recapture Palmyra?", "when"),
        ("Berapa lama perang saudara di Suriah sudah berlangsung?", "berapa lama"),
        ("Sudah berapa tahun Bashar al-Assad berkuasa?", "berapa lama"),
        ("Dalam berapa hari situasi di Aleppo selesai?", "berapa lama"),
        ("How long is Russia's lease on the Tartus base?", "how long"),
        ("Berapa umur Mohammed bin Salman?", "umur"),
        ("usianya berapa waktu itu?", "umur"),
        ("How old is Mikhail Bogdanov?", "the age"),
        ("Apa hasil kunjungan delegasi oposisi ke Moskow?", "hasil"),
        ("perundingan yg diadain rusia antara rezim suriah dan oposisi hasilnya apa", "hasil"),
        ("What was the outcome of Lavrov's meeting with Kerry?", "the outcome"),
        ("Bashar al-Assad lahir di mana?", "kelahiran"),
        ("Kapan Mohammed bin Salman dilahirkan?", "kelahiran"),
        ("Where was Lavrov born?", "the birth"),
        # Names a time, asks an end that may be an event, a count, a harvest, or whether.
        ("Apa yang dikatakan Lavrov tentang Aleppo pada tahun 2016?", None),
        ("Sampai kapan oposisi akan melawan?", None),
        ("Berapa orang yang dievakuasi?", None),
        ("Apa hasil panen padi di Jawa?", None),
        ("Apakah hasil pembicaraan itu diungkap kepada wartawan?", None),
        # "lahir" as "emerge", asked neither when nor where.
        ("Persekutuan seperti apa yang mungkin lahir?", None),
        # Any opening the abstention stage reads as yes/no (`question.asks_yes_no`).
        ("Sudahkah hasil perundingan itu diumumkan?", None),
        ("apa perundingan itu sudah ada hasilnya?", None),
        ("Has the outcome of the talks been announced?", None),
        # A person named by an office, asked who.
        ("Siapa kepala pusat rekonsiliasi Rusia di Suriah?", "nama kepala"),
        ("Siapa nama pejabat Rusia yang bertemu oposisi di Turki?", "nama pejabat"),
        ("penasihat presiden AS yg ngomong ke sputnik namanya siapa", "nama penasihat"),
        ("Who was the US Secretary of State negotiating with Lavrov?", "the secretary's name"),
        # Not when "siapa" asks another than the office, nor without an office.
        ("penasihat trump bilang koalisi antiterorisme bakal antara siapa aja", None),
        ("Siapa yang diundang Rusia ke Moskow?", None),
    ],
)
def test_the_form_a_question_asks_for(question: str, asked: str | None) -> None:
    form = answer_form(question)
    english = question.split()[0] in ("When", "How", "What", "Where", "Who")
    assert (form.named(english=english) if form is not None else None) == asked


@pytest.mark.parametrize(
    ("question", "text", "gives"),
    [
        ("Kapan ...?", "Lavrov bertemu Kerry pada hari Rabu di Kuala Lumpur.", True),
        ("Kapan ...?", "Sebelumnya pada Senin (12/12), Tentara Arab Suriah maju.", True),
        ("Kapan ...?", "Situasi di Aleppo akan selesai dalam dua atau tiga hari mendatang.", True),
        ("Kapan ...?", "Jika struktur penugasan sudah jelas, frekuensi pertemuan tidak akan berkurang.", True),
        ("Kapan ...?", "Oposisi bertemu pejabat Rusia beberapa hari terakhir di Turki.", True),
        ("Kapan ...?", "Rusia kini memiliki dua pangkalan di Suriah.", True),
        ("Kapan ...?", "Lalu, aliansi antara negara-negara Islam dan Arab juga mungkin akan terbentuk.", False),
        ("Kapan ...?", "Rusia berharap dapat mempertahankan dua pangkalan militernya di Suriah.", False),
        ("Berapa lama ...?", "Pertempuran Aleppo berlangsung lebih dari empat tahun sejak 19 Juli 2012.", True),
        ("Berapa lama ...?", "Delegasi itu tinggal seminggu di Moskow.", True),
        ("Berapa lama ...?", "Moskow terus memasok senjata selama perang saudara.", True),
        ("Berapa lama ...?", "The talks lasted three days.", True),
        ("Berapa lama ...?", "Setiap minggu, kedua pihak selalu bertemu di Jenewa.", False),
        ("Berapa lama ...?", "Rusia berharap dapat mempertahankan dua pangkalan militernya di Suriah.", False),
        ("Berapa umur ...?", "Sang pangeran, yang berusia 29 tahun, bertemu Putin.", True),
        ("Berapa umur ...?", "Lavrov (66) tiba di Doha.", True),
        ("Berapa umur ...?", "Kebun Raya Cibodas merayakan ulang tahun ke-153.", True),
        ("Berapa umur ...?", "Hal ini disampaikan Wakil Menteri Luar Negeri Rusia, Mikhail Bogdanov.", False),
        ("Apa hasil pertemuan ...?", "Zakariya menambahkan bahwa pertemuan di Turki telah mencapai kebuntuan.", True),
        ("Apa hasil pertemuan ...?", "Dua putaran perundingan itu tidak membuahkan hasil.", True),
        ("Apa hasil pertemuan ...?", "Kedua pihak menyepakati gencatan senjata.", True),
        ("Apa hasil pertemuan ...?", "Lavrov bertemu lagi dengan Kerry pada hari Rabu di Kuala Lumpur.", False),
        ("Apa hasil pertemuan ...?", "Rusia telah mengundang kelompok oposisi utama Suriah ke Moskow.", False),
        ("Di mana ... lahir?", "Presiden Bashar al-Assad lahir di Damaskus pada 1965.", True),
        ("Di mana ... lahir?", "Tempat kelahirannya, Aleppo, kini hancur.", True),
        ("Di mana ... lahir?", "Pantau - Rusia telah menjalin kontak langsung dengan HTS di Damaskus.", False),
        # The holder beside the office: a name of two words, or one right after the title.
        ("Siapa pejabat Rusia yang ...?", "Hal ini disampaikan Wakil Menteri Luar Negeri (Wamenlu) Rusia, Mikhail Bogdanov.", True),
        ("Siapa pejabat Rusia yang ...?", "Kepala media faksi Tastaqim (salah satu faksi FSA), Zakariya Malahifji, berkata.", True),
        ("Siapa pejabat Rusia yang ...?", "Hal itu dikatakan Menteri Luar Negeri Lavrov kemarin.", True),
        # An initial, the office's own capitalised words before a one-word name, a verb of
        # leading, and a long office.
        ("Siapa Presiden AS?", "Kemarin Presiden AS George W Bush mengatakan hal itu.", True),
        ("Siapakah Kepala Bagian Humas Garuda?", "Kepala Bagian Humas Garuda Pujobroto mengatakan itu.", True),
        ("Siapakah ketua tim itu?", "Tim beranggotakan 11 orang yang dipimpin Prof Hwang Woo Suk ini sukses.", True),
        (
            "Siapakah Kepala Bidang Informasi dan Sistem Pelaporan KLB Flu Burung RSPI?",
            "Hal itu kata Kepala Bidang Informasi dan Sistem Pelaporan KLB Flu Burung RSPI, dr Ilham Patu.",
            True,
        ),
        # Not a place, an acronym, a title, the question's own names, or a sentence's first word.
        ("Siapa pejabat Rusia yang ...?", "Oposisi menggelar pertemuan dengan para pejabat Rusia beberapa hari terakhir di Turki.", False),
        ("Siapa pejabat Rusia yang ...?", "Menurut Dewan Keamanan PBB, para pejabat AS tidak hadir.", False),
        ("Siapa pejabat Rusia yang ...?", "Pantau - Suriah menyambut para pejabat AS.", False),
        ("Siapa komandan Pasukan Kedirgantaraan Rusia?", "Intervensi Pasukan Kedirgantaraan Rusia dipimpin komandan mereka.", False),
    ],
)
def test_the_form_found_in_text(question: str, text: str, gives: bool) -> None:
    form = answer_form(question)
    assert form is not None and form.gives(text) is gives


def test_only_an_outcome_must_be_said_by_text_without_a_date() -> None:
    # An encyclopedia gives times, spans and ages otherwise ("(1138-1194)").
    news_only = {
        q: answer_form(q).news_only for q in ("Kapan ...?", "Berapa lama ...?", "Berapa umur ...?", "Di mana ... lahir?")
    }
    assert all(news_only.values())
    assert answer_form("Siapa kepala pusat rekonsiliasi Rusia?").news_only  # an encyclopedia names by links
    outcome = answer_form("Apa hasil pertemuan ...?")
    assert outcome is not None and not outcome.news_only
