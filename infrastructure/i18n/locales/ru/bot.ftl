## Меню и команды
menu-welcome = Здравствуйте, { $name }! 🎬 Выберите фильм и места и оплатите прямо здесь, в чате.
menu-note = { $note }
menu-now-showing = 🎬 Сейчас в кино
menu-my-bookings = 🎟 Мои брони
menu-language = 🌐 Язык
menu-help = ❓ Помощь
help-text =
    Как купить билет:
    1. 🎬 Сейчас в кино → фильм → сеанс (сегодняшние и завтрашние — сразу на экране фильма).
    2. Нажимайте на места на схеме (или ⭐ — лучшие). Мы держим их для вас несколько минут.
    3. Проверьте итог (типы билетов и промокод — по желанию) и оплатите картой или через PayPal.

    Команды:
    /start — главное меню
    /mybookings — ваши брони, билеты и счета
    /reminders — напоминания перед сеансом: вкл. или выкл.
    /language — сменить язык
    /cancel — прервать действие (удержанные места освобождаются)
    /help — эта справка
command-start = Главное меню
command-mybookings = Мои брони
command-language = Сменить язык
command-help = Как забронировать
command-cancel = Прервать и вернуться в меню
language-choose = Выберите язык:
language-changed = Язык изменён.
link-invalid = Эта ссылка никуда не ведёт (уже). Вот меню.
not-understood = Я не понял. Пожалуйста, пользуйтесь кнопками.
throttled = Пожалуйста, чуть медленнее.
error-stale-button = Эта кнопка устарела. Вот свежее меню.
error-unexpected = У нас что-то пошло не так. Попробуйте ещё раз.
error-forged = Эта кнопка недействительна.
booking-unavailable = Бронирование ненадолго недоступно по нашей вине. Попробуйте через минуту; ваши брони не потеряны.

## Кнопки
button-back = ⬅ Назад
button-menu = 🏠 Меню
button-continue = Далее ➡
button-clear = ✖ Сбросить
button-promo = 🏷 Промокод
button-no-promo = Без промокода
button-checkout = ✅ Забронировать и оплатить
button-seats = 💺 Места
button-past = Прошедшие
button-upcoming = Предстоящие
button-cancel-booking = ❌ Отменить бронь
button-no = Нет
button-yes-cancel = Да, отменить
best-button = ⭐{ $item }

## Афиша
movies-title = 🎬 Сейчас в кино:
movies-empty = Сейчас ничего не продаётся. Загляните позже.
movie-gone = Этот фильм больше не в продаже.
movie-details =
    🎬 { $title }{ $original }
    ⏱ { $runtime } мин · { $rating } · { $genres }
    🎞 { $formats } · 🗣 { $languages } · 💬 { $subtitles }

    { $synopsis }
showtimes-title = 🕒 Сеансы на { $day_label }:
showtimes-empty = На этот день сеансов не осталось.
showtime-button = { $time } · { $format } · мест: { $left }

## Схема зала
picture-screen = ЭКРАН
picture-free = свободно
picture-yours = ваше
picture-held = занято
picture-sold = продано
picture-vip = VIP
picture-wheelchair = для колясок
picture-couch = диван
view-left = ◀ Левее
view-front = ▲ Ближе
view-back = ▼ Дальше
view-right = Правее ▶
view-edge = Дальше в эту сторону ничего нет.
seats-header = 🎬 { $title } · { $day } { $time } · { $hall } · { $format }
seats-view = Ряды { $rows }, места { $seats } ({ $index }/{ $total })
seats-pick = Нажмите на места, чтобы их придержать. Свободно мест: { $free }.
seats-selection = Ваши места: { $selection } — держим ещё { $minutes_left } мин.
seat-held = Место { $seat } пока ваше.
seat-released = Место { $seat } освобождено.
seat-taken = Место { $seat } занято. Выберите другое — схема обновлена.
seat-invalid = Место { $seat } нельзя забронировать.
seat-limit = В одной брони не больше { $max } мест.
seat-not-selectable = Это место нельзя забронировать.
best-held = Лучшие места придержаны для вас: { $seats }.
best-none = Нет { $count } свободных мест рядом.
best-contested = Эти места только что заняли. Попробуйте ещё раз.
selection-cleared = Выбор сброшен.
selection-empty = Сначала выберите хотя бы одно место.
sales-closed = Продажа на этот сеанс закрыта.
hold-expired = ⌛ Время удержания мест истекло, места снова свободны. Выберите их заново, если они ещё нужны.
hold-lost = Ваши места больше не удерживаются. Выберите их заново.

## Билеты, промокод, итог
tickets-title = Нажмите на место, чтобы сменить тип билета:
tickets-proof = Льготные билеты: покажите, пожалуйста, документ на входе.
ticket-line = { $seat } · { $type } · { $price }
ticket-adult = Взрослый
ticket-child = Детский
ticket-student = Студенческий
ticket-senior = Пенсионный
promo-ask = Отправьте промокод сообщением.
promo-malformed = Промокод — это не больше { $max } букв и цифр. Попробуйте ещё раз.
promo-refused-unknown = Такого промокода мы не знаем.
promo-refused-not_yet_valid = Этот промокод ещё не действует.
promo-refused-expired = Срок действия промокода истёк.
promo-refused-exhausted = Этот промокод уже израсходован.
promo-refused-already_used = Вы уже использовали этот промокод.
promo-refused-too_few_tickets = Для этого промокода нужно больше билетов в одной брони.
promo-refused-not_for_this_movie = Этот промокод не действует на этот фильм.
promo-refused-not_for_this_showtime = Этот промокод не действует на этот сеанс.
promo-refused-not_for_these_seats = Этот промокод не действует на эти места.
promo-refused-inactive = Этот промокод не активен.
summary-line = { $seat } · { $type } · { $price }
discount-group = Групповая скидка
discount-promo = Промокод { $code }
summary-discount = { $source }: −{ $amount }
summary =
    🎬 { $title }
    📅 { $date } { $time } · { $hall }

    { $lines }
    { $discount }
    Итого: { $total } (в т. ч. НДС { $rate }%: { $vat })
    ⏳ Места удерживаются за вами до { $until }.
    { $refusal }

## Мои брони
mine-upcoming = 🎟 Ваши предстоящие брони:
mine-past = 🎟 Ваши прошедшие брони:
mine-empty = Здесь пока пусто.
booking-button = №{ $number } · { $title } · { $date } { $time } · { $status }
booking-detail =
    🎟 Бронь №{ $number } — { $status }
    🎬 { $title }
    📅 { $date } { $time } · { $hall }

    { $lines }
    { $discount }Итого: { $total }
    { $state }
booking-gone = Эта бронь не найдена.
status-awaiting_payment = ждёт оплаты
status-paid = оплачена
status-cancelled = отменена
status-refunded = деньги возвращены
status-expired = истекла
cancel-done = Бронь отменена.
cancel-done-refund = Бронь отменена. Деньги скоро вернутся.
cancel-too-late = Оплаченные брони можно отменить не позднее чем за { $hours } ч до сеанса.
cancel-not-possible = Эту бронь нельзя отменить.

## Payment
button-pay-card = 💳 Оплатить картой
button-open-payment = Открыть страницу оплаты
pay-open = Откройте страницу оплаты. Как только платёж подтвердится, здесь появится сообщение.
payment-unavailable = Платёжный сервис сейчас не отвечает. Места остаются за вами до указанного времени; попробуйте через минуту.
payment-not-possible = Эту бронь уже нельзя оплатить.
payment-in-progress = Банк ещё обрабатывает оплату этой брони; мы подтвердим её, как только деньги поступят.
payment-confirmed = ✅ Оплата получена: бронь №{ $number } оплачена. Приятного просмотра!
payment-refunded = Оплата брони №{ $number } пришла, когда места уже продали другому, поэтому мы вернули деньги полностью.
payment-mismatch-refunded = Мы получили { $paid } за бронь №{ $number }, но она стоит { $due }, поэтому бронь не подтверждена, а платёж полностью возвращён. Бронь остаётся за вами до указанного времени; её можно оплатить снова.
payment-mismatch-refused = Для брони №{ $number } был одобрен платёж на { $paid }, но бронь стоит { $due }, поэтому деньги не списаны. Бронь остаётся за вами до указанного времени; оплатите её снова.
payment-processing = Банк ещё обрабатывает оплату брони №{ $number }. Мы подтвердим бронь, как только деньги поступят.
payment-failed = Банк не смог провести оплату брони №{ $number }; деньги не списаны. Бронь остаётся за вами до указанного времени; её можно оплатить снова.
refund-failed = Не удалось автоматически вернуть деньги за бронь №{ $number }. Сотрудники уже знают об этом и вернут вам деньги.
cancel-done-refund-staff = Бронь отменена. Автоматический возврат не удался; сотрудники вернут вам деньги.
pay-too-small = Этот способ оплаты принимает не меньше { $minimum }. Выберите другой способ оплаты.
pay-refused = Этот способ оплаты не может принять эту бронь. Выберите другой способ оплаты.
booking-expired = ⌛ Бронь №{ $number } не оплачена вовремя и истекла; её места снова в продаже.
cancel-done-refund-later = Бронь отменена. Платёжный сервис отвечает медленно; деньги вернутся немного позже.
button-pay-paypal = 🅿️ Оплатить через PayPal

## Invoices and reminders (sent by the worker)
invoice-caption = 🧾 Счёт { $number } с билетами по брони №{ $booking }. Покажите QR-код на входе.
cancellation-caption = 🧾 Сторнирующий счёт { $number } по брони №{ $booking } (отменяет { $cancels }).
button-invoice = 🧾 Счёт и билеты
invoice-not-ready = Счёт ещё готовится; он придёт в этот чат через минуту.
invoice-resent = Вот он ещё раз.
reminder-text = ⏰ Напоминание: «{ $movie }» начинается в { $time }, { $hall }. Места { $seats } (бронь №{ $number }). Приятного просмотра!
reminder-button-off = 🔕 Больше не напоминать
reminders-off = Напоминания выключены. Отправьте /reminders, чтобы включить их снова.
command-reminders = Напоминания перед сеансом вкл./выкл.

## The PDF invoice (labels; numbers and dates follow them)
pdf-invoice-title = Счёт
pdf-cancellation-title = Сторнирующий счёт
pdf-cancels = отменяет №
pdf-number = №
pdf-date = Дата
pdf-seller = Продавец
pdf-buyer = Покупатель
pdf-vat-id = ИНН/НДС
pdf-movie = Фильм
pdf-showtime = Сеанс
pdf-hall = Зал
pdf-seat = Место
pdf-ticket-type = Билет
pdf-price = Цена
pdf-discount = Скидка
pdf-total = Итого с НДС
pdf-net = Без НДС
pdf-vat = НДС
pdf-prices-include-vat = Все цены включают НДС.
pdf-ticket-title = Билет
pdf-booking = Бронь

## The page a buyer sees when coming back from PayPal goes wrong
paypal-unknown-title = Неизвестный платёж
paypal-unknown-text = Эта ссылка не относится к платежу CineBooker.
paypal-down-title = PayPal не ответил
paypal-down-text = Обновите эту страницу через минуту. Оплата в любом случае подтвердится в чате, как только PayPal сообщит о ней.

## Добавлено для короткого пути (задача 11)
day-today = Сегодня
day-tomorrow = Завтра
movie-no-soon = Сегодня и завтра сеансов нет: выберите день ниже.
showtime-line = 🕒 { $time } · { $format } · { $language } · { $hall } · от { $price }
zone-standard = Обычные { $price }
zone-vip = 💺 VIP { $price }
zone-couch = 🛋 Диван { $price } за место
seats-marks = ✅ ваши · ⏳ держат · ✖ заняты
mark-wheelchair = ♿ для колясок
mark-companion = 🤝 для сопровождающих
couch-held = Диван { $seats } ваш: диван бронируется целиком.
couch-released = Диван { $seats } освобождён.
button-done = ✅ Готово
button-tickets = 🎟 Типы билетов
button-cancellation-invoice = 🧾 Счёт об отмене
tickets-types = Типы билетов: { $types }
card-awaiting = ⏳ К оплате: { $total } до { $until }. Если бронь не оплатить к этому времени, места вернутся в продажу.
card-paid = ✅ Оплачено. Покажите QR-код билета на входе.
card-cancelled = ❌ Отменено.
card-refunded = ↩️ Отменено, деньги возвращены: { $amount }.
card-expired = ⌛ Не оплачено вовремя: места снова в продаже.
cancel-what = бронь №{ $number } ({ $title }, { $date } { $time }, места { $seats })
cancel-ask-refund = Отменить { $what }? { $amount } вернутся тем же способом оплаты.
cancel-ask-unpaid = Отменить { $what }? Ничего не оплачено; места вернутся в продажу.

holds-released = Места { $seats } ({ $title }, { $date } { $time }) освобождены и снова в продаже.
cancelled-nothing = Остановлено. Мест вы не держали, больше ничего не изменилось.

reminders-state-on = 🔔 Напоминания включены: мы напишем за { $hours } ч до каждого сеанса.
reminders-state-off = 🔕 Напоминания выключены. Включите их, и мы напишем за { $hours } ч до каждого сеанса.
reminders-button-off = 🔕 Выключить напоминания
reminders-button-on = 🔔 Включить напоминания
reminders-on-short = Напоминания включены.
reminders-off-short = Напоминания выключены.
button-book-free = ✅ Забронировать (бесплатно)
holds-kept = Места { $seats } ({ $title }, { $date } { $time }) всё ещё ваши: схема выше работает, а /cancel их освободит.
