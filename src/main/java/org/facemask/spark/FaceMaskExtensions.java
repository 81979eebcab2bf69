package org.facemask.spark;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.facemask.config.ConfigError;
import scala.Tuple3;
import scala.collection.JavaConverters;
import scala.collection.Seq;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code spark.sql.extensions=org.facemask.spark.FaceMaskExtensions} with {@code spark.facemask.model=<model dir>}:
 * every session has {@link FaceMaskFunctions}' functions, for spark-sql, Thrift server and notebook users without
 * any code. The model is loaded when a query first uses one of them (a session that never does never reads it).
 */
public final class FaceMaskExtensions extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {
    private Map<String, UserDefinedFunction> functions;

    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
        for (String name : FaceMaskFunctions.NAMES) {
            extensions.injectFunction(new Tuple3<>(new FunctionIdentifier(name),
                    new ExpressionInfo(FaceMaskFunctions.class.getName(), name),
                    new AbstractFunction1<Seq<Expression>, Expression>() {
                        @Override
                        public Expression apply(Seq<Expression> children) {
                            Column[] arguments = JavaConverters.seqAsJavaList(children).stream().map(Column::new)
                                    .toArray(Column[]::new);
                            return functions().get(name).apply(arguments).expr();
                        }
                    }));
        }
        return BoxedUnit.UNIT;
    }

    /** On the driver, at the first query that calls a function: the model of spark.facemask.model. */
    private synchronized Map<String, UserDefinedFunction> functions() {
        if (functions == null) {
            SparkSession spark = SparkSession.active();
            String modelDir = spark.conf().get(FaceMaskFunctions.MODEL_CONF, "");
            if (modelDir.isBlank()) {
                throw new ConfigError(FaceMaskFunctions.MODEL_CONF + " is not set: it names the model directory "
                        + "(written by train) that " + String.join(", ", FaceMaskFunctions.NAMES) + " use");
            }
            String settings = spark.conf().get(FaceMaskFunctions.SETTINGS_CONF, "");
            List<String> pairs = settings.isBlank() ? List.of()
                    : Arrays.stream(settings.split(";")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            functions = FaceMaskFunctions.functions(spark, FaceMaskFunctions.MODEL_CONF, modelDir, pairs);
        }
        return functions;
    }
}
