## Что страницы оплаты Stripe и PayPal показывают о брони (кроме их собственных слов)
pay-line = { $title } — { $seat } ({ $type })
pay-description = { $title }, бронь №{ $booking }
pay-deadline = Оплатите до { $time }
