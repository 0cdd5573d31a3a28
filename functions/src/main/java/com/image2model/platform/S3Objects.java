package com.image2model.platform;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Small questions to S3 that several capabilities ask. */
public final class S3Objects {

    private S3Objects() {
    }

    /** Whether the object is there (HEAD: needs s3:GetObject); any other S3 error is thrown as it is. */
    public static boolean exists(S3Client s3, String bucket, String key) {
        return head(s3, bucket, key).isPresent();
    }

    /** The object's HEAD (its metadata), or empty when there is none. */
    public static java.util.Optional<HeadObjectResponse> head(S3Client s3, String bucket, String key) {
        try {
            return java.util.Optional.of(s3.headObject(h -> h.bucket(bucket).key(key)));
        } catch (NoSuchKeyException e) {
            return java.util.Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return java.util.Optional.empty();
            }
            throw e;
        }
    }
}
