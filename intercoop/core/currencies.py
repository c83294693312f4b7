"""ISO 4217 currencies and the digits of their minor unit, without Django: pure engines
(loan schedules) and the CLI use them as the bounded fields do."""


# ISO 4217 active codes → digits of the minor unit (funds and metals without one left out).
def _codes(text: str) -> list[str]:
    return text.split()


CURRENCY_DIGITS: dict[str, int] = dict.fromkeys(
    _codes(
        "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP "
        "BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR "
        "FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR "
        "KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV "
        "MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR "
        "SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH "
        "USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG"
    ),
    2,
)
CURRENCY_DIGITS |= dict.fromkeys(
    _codes("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"), 0
)
CURRENCY_DIGITS |= dict.fromkeys(_codes("BHD IQD JOD KWD LYD OMR TND"), 3)
CURRENCY_DIGITS |= {"CLF": 4, "UYW": 4}
CURRENCIES = frozenset(CURRENCY_DIGITS)
