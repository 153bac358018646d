"""Every state of every dialog, in one place."""

from aiogram.fsm.state import State, StatesGroup


class Menu(StatesGroup):
    main = State()


class Booking(StatesGroup):
    movies = State()
    movie = State()
    showtimes = State()
    seats = State()
    tickets = State()
    promo = State()
    summary = State()
    reserved = State()
    pay = State()


class MyBookings(StatesGroup):
    upcoming = State()
    past = State()
    detail = State()
    confirm_cancel = State()


class Language(StatesGroup):
    choose = State()
