package org.facemask.job;

import org.apache.hadoop.conf.Configuration;
import org.facemask.config.PipelineConfig;
import org.facemask.model.BaseWeightsSource;
import org.facemask.prepare.PreparedDataset;

import java.net.URI;

/** What featurize and train read: a prepared dataset at image.size, and the frozen base's weights. */
record PreparedInput(PreparedDataset dataset, BaseWeightsSource weights) {
    /**
     * @param key   the key that names the dataset, for error messages
     * @throws org.facemask.config.ConfigError when the dataset is incomplete or at another size, or the weights are
     *                                         missing
     */
    static PreparedInput check(String key, URI location, PipelineConfig config, Configuration hadoop) {
        PreparedDataset dataset = PreparedDataset.open(key, location, hadoop);
        dataset.requireImageSize(config.image().size());
        return new PreparedInput(dataset, BaseWeightsSource.resolve(config.model(), config.image().size(), hadoop));
    }
}
