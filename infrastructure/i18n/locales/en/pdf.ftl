## The PDF invoice, continued (its first labels are in bot.ftl); a value follows each
pdf-promo-code = Promo code
