"""Every user-facing string of Kutip, in Indonesian (default) and English.

Strings here are plain text with `str.format` fields: no markup. `bot.render`
escapes them and adds the HTML, and the console prints them as they are, so
Telegram and the terminal say exactly the same words.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["id", "en"]

MONTHS: dict[str, tuple[str, ...]] = {
    "id": (
        "Januari", "Februari", "Maret", "April", "Mei", "Juni",
        "Juli", "Agustus", "September", "Oktober", "November", "Desember",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}

_TEXTS: dict[str, dict[str, str]] = {
    "id": {
        "welcome": (
            "Halo! Saya Kutip. Saya menjawab pertanyaan dengan mengutip kalimat dari "
            "{articles} artikel berita, lengkap dengan sumber dan tanggalnya."
        ),
        "welcome_example": "Coba tanyakan, misalnya:",
        "welcome_more": "Ketik pertanyaan apa saja, atau lihat /help.",
        "help": (
            "Cara memakai Kutip:\n"
            "• Di obrolan pribadi, kirim pertanyaan apa saja.\n"
            "• /cari <pertanyaan> (juga /tanya atau /ask) mencari kutipan.\n"
            "• /sumber menampilkan artikel yang saya ketahui.\n"
            "• Di grup, panggil /cari@{bot}, sebut @{bot}, atau balas pesan saya.\n"
            "• Di obrolan mana pun, ketik @{bot} lalu pertanyaan untuk mengutip cepat.\n"
            "Tombol di bawah jawaban menampilkan kutipan lain atau konteks sebuah kutipan."
        ),
        "usage": "Tulis pertanyaannya setelah perintah, misalnya: /cari {example}",
        "no_answer": "Tidak ada kalimat di korpus yang menjawab \u201c{query}\u201d.",
        "not_about": "Kalimat terdekat di korpus tidak menyebut {missing}, jadi \u201c{query}\u201d tidak terjawab.",
        "not_quoted": "Tidak ada artikel di korpus yang mengutip {speaker}, jadi \u201c{query}\u201d tidak terjawab.",
        "closest_not_answer": "Kalimat terdekat (bukan jawaban):",
        "and": " dan ",
        "no_answer_tips": (
            "Coba kata kunci lain: nama orang, tempat, lembaga, atau peristiwa. "
            "Artikel-artikelnya berbahasa Indonesia, jadi bertanyalah dalam bahasa Indonesia."
        ),
        "corpus_covers": "Korpus berisi {articles} artikel ({span}) dari {sources}.",
        "see_sources": "Lihat daftarnya dengan /sumber.",
        "no_words": "Tulis pertanyaan dengan kata-kata, misalnya: {example}",
        "text_only": "Saya hanya bisa membaca pertanyaan berupa teks.",
        "unknown_command": "Perintah itu tidak saya kenal. Lihat /help.",
        "slow_down": "Pelan-pelan ya: terlalu banyak pertanyaan dalam waktu singkat. Coba lagi sebentar lagi.",
        "expired": "Tombol ini sudah kedaluwarsa. Silakan bertanya lagi.",
        "corpus_changed": "Korpus sudah berubah sejak jawaban ini. Silakan bertanya lagi untuk kutipan berikutnya.",
        "error": "Maaf, terjadi kesalahan. Silakan coba lagi.",
        "not_ready": "Saya masih memuat artikel. Coba lagi sebentar lagi.",
        "sources_title": "Korpus: {articles} artikel",
        "sources_more": "… dan {count} artikel lainnya.",
        "source_unknown": "sumber tidak diketahui",
        "date_unknown": "tanggal tidak diketahui",
        "date_approx": "sekitar {date}",
        "also_in": "Juga dimuat di: {sources}",
        # Under a quote whose sentence and its neighbours lack some words of the question.
        "missing_words": "Tidak memuat: {words}",
        "excerpts_from": "Kutipan {first}–{last} untuk \u201c{query}\u201d",
        "context_title": "Konteks kutipan",
        "button_more": "Kutipan lain ▸",
        "button_prev": "◂ Sebelumnya",
        "button_context": "Konteks {n}",
        "inline_hint": "Ketik pertanyaan untuk mengutip",
        "inline_no_results": "Tidak ada kutipan yang cocok",
        "reload_denied": "Hanya admin yang boleh memuat ulang korpus.",
        "reload_started": "Memuat ulang korpus… Saya tetap menjawab dengan korpus lama sampai selesai.",
        "reload_busy": "Pemuatan ulang sedang berjalan.",
        "reload_done": "Korpus dimuat ulang: {articles} artikel, {problems} masalah.",
        "reload_failed": "Gagal memuat ulang korpus; korpus lama tetap dipakai. ({error})",
        "help_admin": (
            "Perintah admin:\n"
            "• /tambah <url> (juga /add) menambahkan satu artikel sekarang.\n"
            "• /status menampilkan ukuran korpus, artikel terbaru, keadaan feed, dan indeks.\n"
            "• /reload memuat ulang korpus."
        ),
        "add_usage": "Tulis URL artikel setelah perintah, misalnya: /tambah https://contoh.id/berita/123",
        "add_added": "Artikel ditambahkan dan sudah bisa dikutip:",
        "add_updated": "Artikel diperbarui (versi lamanya tidak dikutip lagi):",
        "add_duplicate": "Artikel ini sudah ada di korpus:",
        "add_problem": "Tidak bisa menambahkan {url}: {problem}",
        "add_not_served": "Artikel tersimpan di korpus, tetapi indeks belum diperbarui ({error}). Coba /reload.",
        "status_title": "Status Kutip",
        "status_corpus": "Korpus: {articles} artikel, {sentences} kalimat.",
        "status_newest": "Artikel terbaru:",
        "status_index": "Indeks dibangun {built}; terakhir ditambah {extended}.",
        "status_never": "belum pernah",
        "status_feeds": "Feed ({count}), diperiksa tiap {seconds} detik:",
        "status_no_feeds": "Tidak ada feed (FEEDS kosong).",
        "status_feed_ok": "berhasil {when}",
        "status_feed_error": "galat {when}: {error}",
        "status_feed_retry": "dicoba lagi {when}",
        "status_feed_pending": "belum diperiksa",
        "status_last_poll": "Pemeriksaan terakhir: {when}, {articles} artikel baru, {seconds} detik.",
        "status_poll_failed": "Pemeriksaan terakhir gagal: {error}",
        "console_intro": (
            "Kutip (konsol). Ketik pertanyaan lalu Enter. /sumber untuk daftar artikel, "
            "/help untuk bantuan, /quit atau Ctrl-D untuk keluar."
        ),
        "console_help": (
            "Ketik pertanyaan dalam bahasa Indonesia lalu Enter. /sumber menampilkan artikel; "
            "/quit keluar."
        ),
    },
    "en": {
        "welcome": (
            "Hello! I am Kutip. I answer questions by quoting sentences from "
            "{articles} news articles, with their source and date."
        ),
        "welcome_example": "Try asking, for example:",
        "welcome_more": "Type any question, or see /help.",
        "help": (
            "How to use Kutip:\n"
            "• In a private chat, send any question.\n"
            "• /ask <question> (also /cari or /tanya) searches for quotes.\n"
            "• /sumber lists the articles I know.\n"
            "• In groups, use /ask@{bot}, mention @{bot}, or reply to my message.\n"
            "• In any chat, type @{bot} and a question for a quick citation.\n"
            "The buttons under an answer show more quotes or the context of a quote."
        ),
        "usage": "Write the question after the command, for example: /ask {example}",
        "no_answer": "No sentence in the corpus answers \u201c{query}\u201d.",
        "not_about": "The closest sentences in the corpus do not mention {missing}, so \u201c{query}\u201d is not answered.",
        "not_quoted": "No article in the corpus quotes {speaker}, so \u201c{query}\u201d is not answered.",
        "closest_not_answer": "The closest sentence (not an answer):",
        "and": " and ",
        "no_answer_tips": (
            "Try other keywords: names of people, places, organisations or events. "
            "The articles are in Indonesian, so questions in Indonesian work best."
        ),
        "corpus_covers": "The corpus holds {articles} articles ({span}) from {sources}.",
        "see_sources": "See the list with /sumber.",
        "no_words": "Please write the question in words, for example: {example}",
        "text_only": "I can only read questions written as text.",
        "unknown_command": "I do not know that command. See /help.",
        "slow_down": "Slow down a little: too many questions in a short time. Try again in a moment.",
        "expired": "This button has expired. Please ask again.",
        "corpus_changed": "The corpus has changed since this answer. Please ask again for more quotes.",
        "error": "Sorry, something went wrong. Please try again.",
        "not_ready": "I am still loading the articles. Try again in a moment.",
        "sources_title": "Corpus: {articles} articles",
        "sources_more": "… and {count} more articles.",
        "source_unknown": "unknown source",
        "date_unknown": "date unknown",
        "date_approx": "around {date}",
        "also_in": "Also published in: {sources}",
        "missing_words": "Missing: {words}",
        "excerpts_from": "Quotes {first}–{last} for \u201c{query}\u201d",
        "context_title": "Context of the quote",
        "button_more": "More quotes ▸",
        "button_prev": "◂ Previous",
        "button_context": "Context {n}",
        "inline_hint": "Type a question to quote",
        "inline_no_results": "No matching quotes",
        "reload_denied": "Only admins may reload the corpus.",
        "reload_started": "Reloading the corpus… I keep answering from the old one until it is ready.",
        "reload_busy": "A reload is already running.",
        "reload_done": "Corpus reloaded: {articles} articles, {problems} problems.",
        "reload_failed": "Reloading failed; the old corpus stays in use. ({error})",
        "help_admin": (
            "Admin commands:\n"
            "• /tambah <url> (also /add) adds one article now.\n"
            "• /status shows the corpus size, the newest article, the feeds and the index.\n"
            "• /reload reloads the corpus."
        ),
        "add_usage": "Write the article's URL after the command, for example: /add https://example.com/news/123",
        "add_added": "Article added; it can be quoted now:",
        "add_updated": "Article updated (its old version is no longer quoted):",
        "add_duplicate": "This article is already in the corpus:",
        "add_problem": "Could not add {url}: {problem}",
        "add_not_served": "The article is stored in the corpus, but the index was not updated ({error}). Try /reload.",
        "status_title": "Kutip status",
        "status_corpus": "Corpus: {articles} articles, {sentences} sentences.",
        "status_newest": "Newest article:",
        "status_index": "Index built {built}; last extended {extended}.",
        "status_never": "never",
        "status_feeds": "Feeds ({count}), polled every {seconds} seconds:",
        "status_no_feeds": "No feeds (FEEDS is empty).",
        "status_feed_ok": "succeeded {when}",
        "status_feed_error": "error {when}: {error}",
        "status_feed_retry": "retried {when}",
        "status_feed_pending": "not polled yet",
        "status_last_poll": "Last poll: {when}, {articles} new articles, {seconds} seconds.",
        "status_poll_failed": "The last poll failed: {error}",
        "console_intro": (
            "Kutip (console). Type a question and press Enter. /sumber lists the articles, "
            "/help shows help, /quit or Ctrl-D exits."
        ),
        "console_help": (
            "Type a question (Indonesian works best) and press Enter. /sumber lists the "
            "articles; /quit exits."
        ),
    },
}


# The command menu Telegram shows next to the input field (setMyCommands).
COMMAND_MENU: dict[str, tuple[tuple[str, str], ...]] = {
    "id": (
        ("cari", "Cari kutipan yang menjawab pertanyaan"),
        ("tanya", "Sama dengan /cari"),
        ("sumber", "Daftar artikel yang saya ketahui"),
        ("help", "Cara memakai Kutip"),
    ),
    "en": (
        ("ask", "Find quotes that answer a question"),
        ("cari", "Same as /ask"),
        ("sumber", "List the articles I know"),
        ("help", "How to use Kutip"),
    ),
}


def language_for(language_code: str | None) -> Lang:
    """English for users whose Telegram language is English; Indonesian otherwise."""
    if language_code and language_code.lower().startswith("en"):
        return "en"
    return "id"


def text(lang: Lang, key: str, /, **fields: object) -> str:
    template = _TEXTS[lang][key]
    return template.format(**fields) if fields else template
