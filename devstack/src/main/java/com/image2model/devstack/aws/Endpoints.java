package com.image2model.devstack.aws;

import java.net.URI;

/** Where the local AWS services answer. */
public interface Endpoints {
    URI dynamoDbEndpoint();

    URI sqsEndpoint();

    URI s3Endpoint();

    /** The endpoints of a devstack already running on these ports (another process). */
    static Endpoints running(LocalAws.Ports ports) {
        URI dynamo = URI.create("http://localhost:" + ports.dynamoDb());
        URI sqs = URI.create("http://localhost:" + ports.sqs());
        URI s3 = URI.create("http://localhost:" + ports.s3());
        return new Endpoints() {
            @Override
            public URI dynamoDbEndpoint() {
                return dynamo;
            }

            @Override
            public URI sqsEndpoint() {
                return sqs;
            }

            @Override
            public URI s3Endpoint() {
                return s3;
            }
        };
    }
}
