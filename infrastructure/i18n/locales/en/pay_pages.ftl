## What Stripe's and PayPal's pay pages show about a booking (the provider's own words aside)
pay-line = { $title } — { $seat } ({ $type })
pay-description = { $title }, booking #{ $booking }
pay-deadline = Pay by { $time }
