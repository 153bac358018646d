## Menu and commands
menu-welcome = Hello, { $name }! 🎬 Pick a movie, pick your seats, and pay right here in the chat.
menu-note = { $note }
menu-now-showing = 🎬 Now showing
menu-my-bookings = 🎟 My bookings
menu-language = 🌐 Language
menu-help = ❓ Help
help-text =
    How to book:
    1. 🎬 Now showing → a movie → a showtime (today's and tomorrow's are right there).
    2. Tap seats on the map (or ⭐ for the best ones). They are held for you for a few minutes.
    3. Check the summary (ticket types and a promo code are optional) and pay by card or PayPal.

    Commands:
    /start — main menu
    /mybookings — your bookings, tickets and invoices
    /reminders — reminders before the show, on or off
    /language — change the language
    /cancel — stop what you are doing (held seats are released)
    /help — this help
command-start = Main menu
command-mybookings = My bookings
command-language = Change language
command-help = How to book
command-cancel = Cancel and go back to the menu
language-choose = Choose your language:
language-changed = Language changed.
link-invalid = That link does not lead anywhere (any more). Here is the menu.
not-understood = I did not understand that. Please use the buttons.
throttled = Slow down a little, please.
error-stale-button = That button is out of date. Here is a fresh menu.
error-unexpected = Something went wrong on our side. Please try again.
error-forged = That button is not valid.
booking-unavailable = Booking is briefly unavailable on our side. Please try again in a minute; nothing you booked is lost.

## Buttons
button-back = ⬅ Back
button-menu = 🏠 Menu
button-continue = Continue ➡
button-clear = ✖ Clear
button-promo = 🏷 Promo code
button-no-promo = No promo code
button-checkout = ✅ Book and pay
button-seats = 💺 Seats
button-past = Past
button-upcoming = Upcoming
button-cancel-booking = ❌ Cancel booking
button-no = No
button-yes-cancel = Yes, cancel
best-button = ⭐{ $item }

## Browsing
movies-title = 🎬 Now showing:
movies-empty = Nothing is on sale right now. Please look again later.
movie-gone = This movie is no longer on sale.
movie-details =
    🎬 { $title }{ $original }
    ⏱ { $runtime } min · { $rating } · { $genres }
    🎞 { $formats } · 🗣 { $languages } · 💬 { $subtitles }

    { $synopsis }
showtimes-title = 🕒 Showtimes on { $day_label }:
showtimes-empty = No showtimes left on this day.
showtime-button = { $time } · { $format } · { $left } left

## Seat map
picture-screen = SCREEN
picture-free = free
picture-yours = yours
picture-held = held
picture-sold = sold
picture-vip = VIP
picture-wheelchair = wheelchair
picture-couch = couch
view-left = ◀ Left
view-front = ▲ Front
view-back = ▼ Back
view-right = Right ▶
view-edge = There is nothing further that way.
seats-header = 🎬 { $title } · { $day } { $time } · { $hall } · { $format }
seats-view = Rows { $rows }, seats { $seats } ({ $index }/{ $total })
seats-pick = Tap seats to hold them. { $free } seats are free.
seats-selection = Your seats: { $selection } — held for { $minutes_left } min.
seat-held = Seat { $seat } is yours for now.
seat-released = Seat { $seat } released.
seat-taken = Seat { $seat } is taken. Please pick another one; the map is updated.
seat-invalid = Seat { $seat } cannot be booked.
seat-limit = At most { $max } seats in one booking.
seat-not-selectable = That place cannot be booked.
best-held = Best seats held for you: { $seats }.
best-none = There are no { $count } free seats side by side.
best-contested = Those seats were just taken by someone else. Please try again.
selection-cleared = Selection cleared.
selection-empty = Pick at least one seat first.
sales-closed = Sales for this showtime have closed.
hold-expired = ⌛ Your seat hold ran out and the seats are free again. Pick them again if you still want them.
hold-lost = Your seats are no longer held. Please pick them again.

## Tickets, promo code, summary
tickets-title = Tap a seat to change its ticket type:
tickets-proof = Reduced tickets: please show your card or ID at the door.
ticket-line = { $seat } · { $type } · { $price }
ticket-adult = Adult
ticket-child = Child
ticket-student = Student
ticket-senior = Senior
promo-ask = Send your promo code as a message.
promo-malformed = A promo code is up to { $max } letters and digits. Please try again.
promo-refused-unknown = We do not know this promo code.
promo-refused-not_yet_valid = This promo code is not valid yet.
promo-refused-expired = This promo code has expired.
promo-refused-exhausted = This promo code has been used up.
promo-refused-already_used = You have already used this promo code.
promo-refused-too_few_tickets = This promo code needs more tickets in one booking.
promo-refused-not_for_this_movie = This promo code is not valid for this movie.
promo-refused-not_for_this_showtime = This promo code is not valid for this showtime.
promo-refused-not_for_these_seats = This promo code is not valid for these seats.
promo-refused-inactive = This promo code is not active.
summary-line = { $seat } · { $type } · { $price }
discount-group = Group discount
discount-promo = Promo code { $code }
summary-discount = { $source }: −{ $amount }
summary =
    🎬 { $title }
    📅 { $date } { $time } · { $hall }

    { $lines }
    { $discount }
    Total: { $total } (incl. { $vat } VAT at { $rate }%)
    ⏳ Seats held for you until { $until }.
    { $refusal }

## My bookings
mine-upcoming = 🎟 Your upcoming bookings:
mine-past = 🎟 Your past bookings:
mine-empty = Nothing here yet.
booking-button = #{ $number } · { $title } · { $date } { $time } · { $status }
booking-detail =
    🎟 Booking #{ $number } — { $status }
    🎬 { $title }
    📅 { $date } { $time } · { $hall }

    { $lines }
    { $discount }Total: { $total }
    { $state }
booking-gone = This booking cannot be found.
status-awaiting_payment = awaiting payment
status-paid = paid
status-cancelled = cancelled
status-refunded = refunded
status-expired = expired
cancel-done = Booking cancelled.
cancel-done-refund = Booking cancelled. The refund is on its way.
cancel-too-late = Paid bookings can be cancelled until { $hours } hours before the show.
cancel-not-possible = This booking cannot be cancelled.

## Payment
button-pay-card = 💳 Pay by card
button-open-payment = Open the payment page
pay-open = Open the payment page to pay. You will get a message here as soon as the payment is confirmed.
payment-unavailable = The payment service is not answering right now. Your seats stay reserved until the time shown; please try again in a minute.
payment-not-possible = This booking cannot be paid any more.
payment-in-progress = Your bank is still processing a payment for this booking; we confirm it as soon as the money arrives.
payment-confirmed = ✅ Payment received: booking #{ $number } is paid. Enjoy the show!
payment-refunded = Your payment for booking #{ $number } arrived after the seats had been sold to someone else, so we refunded it in full.
payment-mismatch-refunded = We received { $paid } for booking #{ $number }, but it costs { $due }, so the booking is not confirmed and the whole payment has been refunded. The booking stays reserved until the time shown; you can pay again from it.
payment-mismatch-refused = The payment approved for booking #{ $number } was { $paid }, but the booking costs { $due }, so nothing was taken. The booking stays reserved until the time shown; please pay again from it.
payment-processing = Your bank is still processing the payment for booking #{ $number }. We confirm the booking as soon as the money arrives.
payment-failed = Your bank could not complete the payment for booking #{ $number }; nothing was taken. The booking stays reserved until the time shown; you can pay again from it.
refund-failed = The refund for booking #{ $number } could not be made automatically. Our staff have been told and will return your money.
cancel-done-refund-staff = Booking cancelled. The refund could not be made automatically; our staff will return your money.
pay-too-small = This way to pay takes at least { $minimum }. Please choose another way to pay.
pay-refused = This way to pay cannot take this booking. Please choose another way to pay.
booking-expired = ⌛ Booking #{ $number } was not paid in time and has expired; its seats are on sale again.
cancel-done-refund-later = Booking cancelled. The payment service is slow to answer; your refund will follow shortly.
button-pay-paypal = 🅿️ Pay with PayPal

## Invoices and reminders (sent by the worker)
invoice-caption = 🧾 Invoice { $number } with your tickets for booking #{ $booking }. Show the QR code at the door.
cancellation-caption = 🧾 Cancellation invoice { $number } for booking #{ $booking } (cancels { $cancels }).
button-invoice = 🧾 Invoice and tickets
invoice-not-ready = Your invoice is still being prepared; it arrives in this chat in a moment.
invoice-resent = Here it is again.
reminder-text = ⏰ Reminder: { $movie } starts at { $time } in { $hall }. Seats { $seats } (booking #{ $number }). Enjoy the show!
reminder-button-off = 🔕 No more reminders
reminders-off = Reminders are off. Send /reminders to turn them back on.
command-reminders = Reminders before the show on/off

## The PDF invoice (labels; numbers and dates follow them)
pdf-invoice-title = Invoice
pdf-cancellation-title = Cancellation invoice
pdf-cancels = cancels No.
pdf-number = No.
pdf-date = Date
pdf-seller = Seller
pdf-buyer = Buyer
pdf-vat-id = VAT ID
pdf-movie = Movie
pdf-showtime = Showtime
pdf-hall = Hall
pdf-seat = Seat
pdf-ticket-type = Ticket
pdf-price = Price
pdf-discount = Discount
pdf-total = Total incl. VAT
pdf-net = Net
pdf-vat = VAT
pdf-prices-include-vat = All prices include VAT.
pdf-ticket-title = Ticket
pdf-booking = Booking

## The page a buyer sees when coming back from PayPal goes wrong
paypal-unknown-title = Unknown payment
paypal-unknown-text = This link does not belong to a CineBooker payment.
paypal-down-title = PayPal did not answer
paypal-down-text = Please reload this page in a moment. Your payment is confirmed in the chat anyway once PayPal tells us about it.

## Added for the shorter flow (issue 11)
day-today = Today
day-tomorrow = Tomorrow
movie-no-soon = No showtimes today or tomorrow: pick a day below.
showtime-line = 🕒 { $time } · { $format } · { $language } · { $hall } · from { $price }
zone-standard = Standard { $price }
zone-vip = 💺 VIP { $price }
zone-couch = 🛋 Couch { $price } a seat
seats-marks = ✅ yours · ⏳ held · ✖ taken
mark-wheelchair = ♿ wheelchair
mark-companion = 🤝 companion
couch-held = Couch { $seats } is yours for now: a couch is booked whole.
couch-released = Couch { $seats } released.
button-done = ✅ Done
button-tickets = 🎟 Ticket types
button-cancellation-invoice = 🧾 Cancellation invoice
tickets-types = Ticket types: { $types }
card-awaiting = ⏳ To pay: { $total } by { $until }. If it is not paid by then, the seats return to sale.
card-paid = ✅ Paid. Show the QR code of your ticket at the door.
card-cancelled = ❌ Cancelled.
card-refunded = ↩️ Cancelled and refunded: { $amount }.
card-expired = ⌛ Not paid in time: the seats are on sale again.
cancel-what = booking #{ $number } ({ $title }, { $date } { $time }, seats { $seats })
cancel-ask-refund = Cancel { $what }? { $amount } is refunded to your payment method.
cancel-ask-unpaid = Cancel { $what }? Nothing has been paid; the seats go back on sale.

holds-released = Seats { $seats } ({ $title }, { $date } { $time }) are released and on sale again.
cancelled-nothing = Stopped. You held no seats, so nothing else changed.

reminders-state-on = 🔔 Reminders are on: you hear from us { $hours } hours before each show.
reminders-state-off = 🔕 Reminders are off. Turn them on to hear from us { $hours } hours before each show.
reminders-button-off = 🔕 Turn reminders off
reminders-button-on = 🔔 Turn reminders on
reminders-on-short = Reminders are on.
reminders-off-short = Reminders are off.
button-book-free = ✅ Book (nothing to pay)
holds-kept = You still hold seats { $seats } ({ $title }, { $date } { $time }): the seat map above still works, and /cancel releases them.
