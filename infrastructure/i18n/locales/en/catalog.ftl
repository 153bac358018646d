## Catalog texts: genre names by code (domain/genres.py), a title with its genres

genre-action = Action
genre-adventure = Adventure
genre-animation = Animation
genre-biography = Biography
genre-christmas = Christmas
genre-comedy = Comedy
genre-crime = Crime
genre-documentary = Documentary
genre-drama = Drama
genre-family = Family
genre-fantasy = Fantasy
genre-history = History
genre-horror = Horror
genre-music = Music
genre-musical = Musical
genre-mystery = Mystery
genre-romance = Romance
genre-science-fiction = Science fiction
genre-sport = Sport
genre-thriller = Thriller
genre-war = War
genre-western = Western
movie-title-genres = { $title } · { $genres }
