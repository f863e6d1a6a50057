#!/usr/bin/env python3
"""Rebuild data/demo/catalog.csv from the two public-domain sources.

usage: make-catalog.py RUSLIT_WORKS_CSV GUTENBERG_METADATA_CSV > catalog.csv

The selection, the audiobook editions, the age ratings and the prices are
invented for the demo (see README.md); titles and authors come from the
sources unchanged, except that Gutenberg's "Last, First" author names are
turned into "First Last" and a title's subtitle line is joined with ": ".
"""
import csv
import sys
import zlib

# RusLit's folders are Latin author names; the catalog shows the Cyrillic one.
CYRILLIC = {
    'Blok': 'Александр Блок', 'Bryusov': 'Валерий Брюсов', 'Chekhov': 'Антон Чехов',
    'Dostoevsky': 'Фёдор Достоевский', 'Gogol': 'Николай Гоголь', 'Gorky': 'Максим Горький',
    'Herzen': 'Александр Герцен', 'Lermontov': 'Михаил Лермонтов', 'Nekrasov': 'Николай Некрасов',
    'Pushkin': 'Александр Пушкин', 'Tolstoy': 'Лев Толстой', 'Turgenev': 'Иван Тургенев',
}

RUSLIT = [
    # (author folder, title, age rating)
    ('Tolstoy', 'Анна Каренина', 16), ('Tolstoy', 'Война и мир. Том 1', 12), ('Tolstoy', 'Война и мир. Том 2', 12),
    ('Tolstoy', 'Война и мир. Том 3', 12), ('Tolstoy', 'Война и мир. Том 4', 12), ('Tolstoy', 'Воскресение', 16),
    ('Tolstoy', 'Детство', 6), ('Tolstoy', 'Отрочество', 12), ('Tolstoy', 'Юность', 12), ('Tolstoy', 'Казаки', 12),
    ('Tolstoy', 'Кавказский пленник', 6), ('Tolstoy', 'Крейцерова соната', 18), ('Tolstoy', 'Дьявол', 18),
    ('Tolstoy', 'Отец Сергий', 16), ('Tolstoy', 'После бала', 12), ('Tolstoy', 'Смерть Ивана Ильича', 16),
    ('Tolstoy', 'Хаджи-Мурат', 12), ('Tolstoy', 'Хозяин и работник', 12), ('Tolstoy', 'Холстомер', 12),
    ('Tolstoy', 'Семейное счастье', 12), ('Tolstoy', 'Метель', 6), ('Tolstoy', 'Два гусара', 12),
    ('Tolstoy', 'Севастополь в декабре месяце', 12), ('Tolstoy', 'Севастополь в мае', 12),
    ('Tolstoy', 'Севастополь в августе 1855 года', 12), ('Tolstoy', 'Исповедь', 12),
    ('Dostoevsky', 'Бедные люди', 12), ('Dostoevsky', 'Белые ночи', 12), ('Dostoevsky', 'Бесы', 16),
    ('Dostoevsky', 'Братья Карамазовы', 16), ('Dostoevsky', 'Двойник', 12), ('Dostoevsky', 'Записки из подполья', 16),
    ('Dostoevsky', 'Игрок', 16), ('Dostoevsky', 'Идиот', 16), ('Dostoevsky', 'Неточка Незванова', 12),
    ('Dostoevsky', 'Подросток', 16), ('Dostoevsky', 'Село Степанчиково и его обитатели', 12),
    ('Dostoevsky', 'Униженные и оскорблённые', 16), ('Dostoevsky', 'Сон смешного человека', 12),
    ('Dostoevsky', 'Крокодил', 12), ('Dostoevsky', 'Мальчик у Христа на ёлке', 6), ('Dostoevsky', 'Дядюшкин сон', 12),
    ('Dostoevsky', 'Вечный муж', 16), ('Dostoevsky', 'Дневник писателя', 16),
    ('Gogol', 'Мёртвые души', 12), ('Gogol', 'Ревизор', 12), ('Gogol', 'Вий', 16), ('Gogol', 'Нос', 12),
    ('Gogol', 'Невский проспект', 12), ('Gogol', 'Портрет', 12), ('Gogol', 'Записки сумасшедшего', 12),
    ('Gogol', 'Ночь перед Рождеством', 6), ('Gogol', 'Вечера на хуторе близ Диканьки', 6), ('Gogol', 'Коляска', 12),
    ('Gogol', 'Повесть о том, как поссорился Иван Иванович с Иваном Никифоровичем', 12),
    ('Lermontov', 'Герой нашего времени', 12), ('Lermontov', 'Ашик-Кериб', 6), ('Lermontov', 'Штосс', 12),
    ('Turgenev', 'Отцы и дети', 12), ('Turgenev', 'Муму', 6), ('Turgenev', 'Ася', 12), ('Turgenev', 'Дым', 12),
    ('Turgenev', 'Первая любовь', 12), ('Turgenev', 'Вешние воды', 12), ('Turgenev', 'Дворянское гнездо', 12),
    ('Turgenev', 'Записки охотника', 12), ('Turgenev', 'Стихотворения в прозе', 12),
    ('Pushkin', 'Евгений Онегин', 12), ('Pushkin', 'Борис Годунов', 12), ('Pushkin', 'Медный всадник', 6),
    ('Pushkin', 'Руслан и Людмила', 6), ('Pushkin', 'Сказка о царе Салтане', 0), ('Pushkin', 'Сказка о рыбаке и рыбке', 0),
    ('Pushkin', 'Сказка о золотом петушке', 0), ('Pushkin', 'Сказка о мёртвой царевне', 0),
    ('Pushkin', 'Сказка о попе и работнике его Балде', 0), ('Pushkin', 'Моцарт и Сальери', 12),
    ('Pushkin', 'Каменный гость', 12), ('Pushkin', 'Скупой рыцарь', 12), ('Pushkin', 'Пир во время чумы', 12),
    ('Pushkin', 'Песнь о вещем Олеге', 6), ('Pushkin', 'Зимнее утро', 0),
    ('Chekhov', 'Вишнёвый сад', 12), ('Chekhov', 'Три сестры', 12), ('Chekhov', 'Дама с собачкой', 16),
    ('Chekhov', 'Каштанка', 0), ('Chekhov', 'Ванька', 6), ('Chekhov', 'Хамелеон', 6), ('Chekhov', 'Толстый и тонкий', 6),
    ('Chekhov', 'Смерть чиновника', 6), ('Chekhov', 'Лошадиная фамилия', 6), ('Chekhov', 'Злоумышленник', 6),
    ('Chekhov', 'Человек в футляре', 12), ('Chekhov', 'Крыжовник', 12), ('Chekhov', 'О любви', 12),
    ('Chekhov', 'Палата №6', 16), ('Chekhov', 'Ионыч', 12), ('Chekhov', 'Душечка', 12), ('Chekhov', 'Дуэль', 12),
    ('Chekhov', 'Анна на шее', 12), ('Chekhov', 'Дом с мезонином', 12), ('Chekhov', 'Архиерей', 12),
    ('Chekhov', 'В овраге', 16), ('Chekhov', 'Гусев', 12), ('Chekhov', 'Тоска', 12), ('Chekhov', 'Драма на охоте', 16),
    ('Gorky', 'Детство', 12), ('Gorky', 'В людях', 12), ('Gorky', 'Мои университеты', 12), ('Gorky', 'На дне', 16),
    ('Gorky', 'Мать', 12), ('Gorky', 'Старуха Изергиль', 12), ('Gorky', 'Челкаш', 12), ('Gorky', 'Макар Чудра', 12),
    ('Gorky', 'Песня о Буревестнике', 6), ('Gorky', 'Песня о соколе', 6), ('Gorky', 'Фома Гордеев', 16),
    ('Gorky', 'Сказки об Италии', 12),
    ('Nekrasov', 'Кому на Руси жить хорошо', 12), ('Nekrasov', 'Железная дорога', 6),
    ('Nekrasov', 'Крестьянские дети', 6), ('Nekrasov', 'Русские женщины', 12),
    ('Herzen', 'Кто виноват', 12), ('Herzen', 'Сорока-воровка', 12), ('Herzen', 'Доктор Крупов', 12),
    ('Blok', 'Двенадцать', 12), ('Blok', 'Скифы', 12), ('Blok', 'Соловьиный сад', 12),
    ('Bryusov', 'Огненный ангел', 16), ('Bryusov', 'Республика Юного Креста', 12), ('Bryusov', 'Восстание машин', 12),
]

GUTENBERG = [
    # (gutenberg_id, age rating); Les Misérables is the demo's expensive book.
    (135, 12), (17489, 12), (2413, 16), (17989, 12), (2000, 12), (1342, 12), (11, 0), (2701, 12),
    (84, 12), (345, 16), (13951, 12), (19657, 12), (2554, 16), (1399, 16), (2600, 12), (28054, 16), (2229, 12),
    (22367, 12), (800, 6), (54873, 6), (5711, 16), (11049, 12), (4650, 16), (1256, 12), (1260, 12), (768, 12),
    (1400, 12), (514, 6), (120, 6), (35, 12), (1000, 12), (6099, 18), (5323, 12), (2591, 0), (1448, 0), (500, 0),
    (996, 12), (158, 12), (2638, 16), (1081, 12), (47935, 12), (3735, 12), (829, 6), (521, 6), (74, 6), (76, 6),
    (1661, 12), (16, 0), (6497, 16), (7461, 18), (798, 16), (52006, 18), (2407, 12), (69327, 16), (31114, 0),
    (66480, 0), (49836, 12), (2853, 12), (31536, 12), (19790, 12), (34811, 12), (28751, 12), (12065, 12),
    (14157, 12), (11770, 6), (10775, 16), (12783, 0), (17013, 12), (21831, 12), (1041, 12), (2499, 12),
    (49908, 12), (41051, 12), (19791, 0), (17161, 0), (57654, 12), (12137, 12),
]

# Audiobook editions invented for the demo: (title, author key) of rows above.
AUDIO = {
    'Анна Каренина', 'Мёртвые души', 'Евгений Онегин', 'Отцы и дети', 'Каштанка',
    'Герой нашего времени', 'Сказка о царе Салтане', 'Вишнёвый сад', 'Белые ночи',
    'Pride and Prejudice', "Alice's Adventures in Wonderland", 'Les Misérables', 'Dracula',
    'Le tour du monde en quatre-vingts jours', 'Die Verwandlung',
}

EXPENSIVE = {'Les Misérables': 149000, 'Война и мир. Том 1': 79000, 'Братья Карамазовы': 69000}


def price(title, kind):
    if kind == 'ebook' and title in EXPENSIVE:
        return EXPENSIVE[title]
    h = zlib.crc32((title + kind).encode('utf-8'))
    base = 99 + (h % 36) * 10  # 99 .. 449 roubles
    return (base + (150 if kind == 'audiobook' else 0)) * 100


def money(minor):
    return '%d.%02d' % (minor // 100, minor % 100)


def person(name):
    """Gutenberg "Tolstoy, Leo, graf" / "Barrie, J. M. (James Matthew)" -> "Leo Tolstoy" / "J. M. Barrie"."""
    if '(' in name:
        name = name[:name.index('(')].strip()
    parts = [p.strip() for p in name.split(',') if p.strip()]
    parts = [p for p in parts if p not in ('graf', 'comtesse', 'Sir', 'Jr.')]
    if len(parts) >= 2:
        return parts[1] + ' ' + parts[0]
    return parts[0] if parts else ''


def main():
    ruslit_path, gutenberg_path = sys.argv[1], sys.argv[2]
    out = csv.writer(sys.stdout, lineterminator='\n')
    out.writerow(['title', 'authors', 'kind', 'age', 'price', 'currency'])
    rows = []

    works = {}
    with open(ruslit_path, encoding='utf-8', newline='') as f:
        for r in csv.DictReader(f):
            works[(r['author'], r['title'])] = r
    for author, title, age in RUSLIT:
        if (author, title) not in works:
            sys.exit('not in RusLit: %s %s' % (author, title))
        rows.append((title, CYRILLIC[author], age))

    meta = {}
    with open(gutenberg_path, encoding='utf-8', newline='') as f:
        for r in csv.DictReader(f):
            gid = int(r['gutenberg_id'])
            if r['rights'] != 'Public domain in the USA.':
                continue
            m = meta.setdefault(gid, {'title': r['title'], 'authors': []})
            if r['author'] and person(r['author']) not in m['authors']:
                m['authors'].append(person(r['author']))
    for gid, age in GUTENBERG:
        if gid not in meta:
            sys.exit('not public domain in the USA or missing: %d' % gid)
        m = meta[gid]
        title = m['title'].replace(' : $b ', '\n')
        title = ': '.join(line.strip() for line in title.replace('\r\n', '\n').split('\n') if line.strip())
        rows.append((title, ';'.join(m['authors']) or 'Anonymous', age))

    for title, authors, age in rows:
        out.writerow([title, authors, 'ebook', age, money(price(title, 'ebook')), 'RUB'])
        if title in AUDIO:
            out.writerow([title, authors, 'audiobook', age, money(price(title, 'audiobook')), 'RUB'])


if __name__ == '__main__':
    main()
