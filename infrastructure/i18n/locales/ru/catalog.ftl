## Тексты каталога: жанры по коду (domain/genres.py), название с жанрами

genre-action = Боевик
genre-adventure = Приключения
genre-animation = Анимация
genre-biography = Биография
genre-christmas = Рождество
genre-comedy = Комедия
genre-crime = Криминал
genre-documentary = Документальный
genre-drama = Драма
genre-family = Семейный
genre-fantasy = Фэнтези
genre-history = История
genre-horror = Ужасы
genre-music = Музыка
genre-musical = Мюзикл
genre-mystery = Детектив
genre-romance = Мелодрама
genre-science-fiction = Фантастика
genre-sport = Спорт
genre-thriller = Триллер
genre-war = Военный
genre-western = Вестерн
movie-title-genres = { $title } · { $genres }
