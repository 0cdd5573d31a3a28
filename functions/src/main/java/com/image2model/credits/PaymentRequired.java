package com.image2model.credits;

import com.image2model.platform.ApiException;

/** How the API answers work a company cannot pay for: 402 with a code and a message that says what to do. */
public final class PaymentRequired {

    private PaymentRequired() {
    }

    public static ApiException of(CreditLedger.InsufficientCredits e) {
        return new ApiException(402, "insufficient_credits", e.getMessage()
                + " Buy a credit pack or choose a lower quality, then try again.");
    }

    public static ApiException of(FairUse.CapReached e) {
        return new ApiException(402, "fair_use_reached", e.getMessage());
    }
}
